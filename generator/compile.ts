/** compile(): the pipeline of generator/pipeline.ts with every registered emitter. */
import { emitters } from './emit/index.js';
import { compileWith, type CompileOptions, type CompileResult } from './pipeline.js';

export { compileWith, runEmitters, type CompileOptions, type CompileResult } from './pipeline.js';

/**
 * Compiles schema files to generated files, purely (no file system): parse, shape check,
 * semantic rules, IR, every registered emitter. On any error diagnostic, `project` is undefined
 * and `files` is empty; diagnostics are sorted by file and position; files are sorted by path.
 */
export function compile(options: CompileOptions): CompileResult {
  return compileWith(options, emitters);
}
