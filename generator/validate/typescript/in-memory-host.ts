/**
 * The files of one upcasters check, in memory, and the compiler host a program reads them
 * through: the compiler touches no file on disk. Lib files are parsed once per process and
 * shared by later checks (TypeScript also keeps their binding on the parsed file).
 */
import { posix } from 'node:path';
import type { ts as Ts } from '@ts-morph/common';
import type { TsApi } from './typescript-compiler.js';

/** Where the lib files live in memory. */
const LIB_FOLDER = '/.typescript-lib';

const parsedLibs = new Map<string, Ts.SourceFile>();

export class InMemoryFiles {
  readonly #texts = new Map<string, string>();
  readonly #parsed = new Map<string, Ts.SourceFile>();

  constructor(
    private readonly ts: TsApi,
    private readonly libs: ReadonlyMap<string, string>,
    private readonly target: Ts.ScriptTarget,
  ) {}

  has(path: string): boolean {
    return this.#texts.has(path);
  }

  /** Adds (or replaces) a file; returns its path. */
  write(path: string, text: string): string {
    this.#texts.set(path, text);
    this.#parsed.delete(path);
    return path;
  }

  /** The parsed file, parsed once: the program reads the same object. */
  parsed(path: string): Ts.SourceFile | undefined {
    const known = this.#parsed.get(path);
    if (known !== undefined) return known;
    const text = this.#texts.get(path);
    if (text === undefined) return undefined;
    const file = this.ts.createSourceFile(path, text, this.target);
    this.#parsed.set(path, file);
    return file;
  }

  paths(): string[] {
    return [...this.#texts.keys()];
  }

  host(): Ts.CompilerHost {
    const folders = new Set([LIB_FOLDER]);
    for (const path of this.#texts.keys()) {
      for (let folder = posix.dirname(path); folder !== '/'; folder = posix.dirname(folder)) folders.add(folder);
    }
    const libPath = (name: string): string => `${LIB_FOLDER}/${name}`;
    const libName = (path: string): string | undefined =>
      path.startsWith(`${LIB_FOLDER}/`) ? path.slice(LIB_FOLDER.length + 1) : undefined;
    const libText = (path: string): string | undefined => {
      const name = libName(path);
      return name === undefined ? undefined : this.libs.get(name);
    };
    return {
      getSourceFile: (path) => {
        const name = libName(path);
        if (name === undefined) return this.parsed(path);
        const known = parsedLibs.get(name);
        if (known !== undefined) return known;
        const text = this.libs.get(name);
        if (text === undefined) return undefined;
        const file = this.ts.createSourceFile(path, text, this.target);
        parsedLibs.set(name, file);
        return file;
      },
      getDefaultLibFileName: () => libPath('lib.d.ts'),
      getDefaultLibLocation: () => LIB_FOLDER,
      writeFile: () => undefined,
      getCurrentDirectory: () => '/',
      getCanonicalFileName: (path) => path,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => '\n',
      fileExists: (path) => this.#texts.has(path) || libText(path) !== undefined,
      readFile: (path) => this.#texts.get(path) ?? libText(path),
      directoryExists: (path) => folders.has(path.replace(/\/$/, '')) || path === '/',
      getDirectories: () => [],
    };
  }
}
