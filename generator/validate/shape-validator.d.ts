// Types of shape-validator.js, the standalone validator built by `npm run build:schema-validator`.
import type { ValidateFunction } from 'ajv';

/** Validates a parsed schema file against domain.schema.json; its errors are ajv's (allErrors, verbose). */
export declare const validate: ValidateFunction;
export default validate;
