/**
 * The upcasters check's TypeScript compiler (generator/validate/typescript/typescript-compiler.ts),
 * loaded with what an earlier process kept in the cache folder: V8's compiled code of the
 * compiler (code-cache.ts: a cold load from about 0.23 s to 0.09 s) and the lib's text
 * (@ts-morph/common keeps its lib files inside a 3 MB module that costs 50–100 ms to load for
 * 50 KB of text). Nothing here changes what the check says: the cache holds code and the lib as
 * shipped, never results.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  ROOT_LIB,
  rootLibs,
  type TsApi,
  type TypeScriptCompiler,
} from '../../generator/validate/typescript/typescript-compiler.js';
import { requireWithCodeCache } from './code-cache.js';
import { writeAtomically } from './write-atomically.js';

let loaded: TypeScriptCompiler | undefined;

/** The compiler, its code cached in `folder` (written there after the first check). */
export function cachedTypeScript(folder: string): TypeScriptCompiler {
  if (loaded !== undefined) return loaded;
  const require = createRequire(import.meta.url);
  const packageFile = require.resolve('@ts-morph/common/package.json');
  const version = (JSON.parse(readFileSync(packageFile, 'utf8')) as { version: string }).version;
  const compilerFile = join(dirname(packageFile), 'dist', 'typescript.js');
  // V8 refuses data of another V8 or another source length by itself; the name keeps one file
  // per package version, file and Node, so two Node versions sharing a folder do not take turns.
  const key = createHash('sha256')
    .update(`${compilerFile}\0${version}\0${statSync(compilerFile).size}\0${process.version}\0${process.arch}`)
    .digest('hex')
    .slice(0, 16);
  const compiler = requireWithCodeCache(compilerFile, join(folder, `typescript-${key}.v8`));
  const libsFile = join(folder, `typescript-libs-${version}.json`);
  let libs = keptLibs(libsFile);
  if (libs === undefined) {
    // @ts-morph/common's own `require('./typescript')` finds the compiler loaded above.
    libs = rootLibs((require('@ts-morph/common') as typeof import('@ts-morph/common')).getLibFiles());
    writeAtomically(libsFile, JSON.stringify(Object.fromEntries(libs)));
  }
  loaded = { ts: compiler.exports as TsApi, libs, checked: () => compiler.save() };
  return loaded;
}

function keptLibs(file: string): Map<string, string> | undefined {
  try {
    const libs = new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>));
    return libs.has(ROOT_LIB) ? libs : undefined;
  } catch {
    return undefined;
  }
}
