/**
 * The TypeScript compiler the upcasters check runs: the one @ts-morph/common ships (its
 * `dist/typescript.js`: TypeScript 6, the compiler API as one CommonJS file), with the ES5 lib it
 * bundles. Required on first use, so a run whose schemas name no upcasters module never loads
 * it; kept for later runs in the process (`--watch`, the language server). The CLI passes a
 * loader of its own that keeps the compiled code between processes (cli/files/cached-typescript.ts).
 */
import { createRequire } from 'node:module';
import type { ts as Ts } from '@ts-morph/common';

export type TsApi = typeof Ts;

/** The lib the check compiles against (with the libs it references). */
export const ROOT_LIB = 'lib.es5.d.ts';

export interface TypeScriptCompiler {
  readonly ts: TsApi;
  /** `lib.es5.d.ts` and the libs it references, by file name. */
  readonly libs: ReadonlyMap<string, string>;
  /** Called once a check is done (the CLI's loader then keeps the compiled code). */
  checked?(): void;
}

let bundled: TypeScriptCompiler | undefined;

/** The compiler and lib as @ts-morph/common ships them (the default loader). */
export function bundledTypeScript(): TypeScriptCompiler {
  if (bundled !== undefined) return bundled;
  const common = createRequire(import.meta.url)('@ts-morph/common') as typeof import('@ts-morph/common');
  bundled = { ts: common.ts, libs: rootLibs(common.getLibFiles()) };
  return bundled;
}

/** ROOT_LIB and what it references (`/// <reference lib="decorators" />`), out of all lib files. */
export function rootLibs(files: readonly { readonly fileName: string; readonly text: string }[]): Map<string, string> {
  const all = new Map(files.map((f) => [f.fileName, f.text]));
  const libs = new Map<string, string>();
  const add = (name: string): void => {
    const text = all.get(name);
    if (text === undefined || libs.has(name)) return;
    libs.set(name, text);
    for (const [, referenced] of text.matchAll(/^\/\/\/\s*<reference\s+lib="([^"]+)"/gm)) add(`lib.${referenced}.d.ts`);
  };
  add(ROOT_LIB);
  return libs;
}
