/**
 * The pipeline bench's system, in a module of its own that starts nothing, so worker processes
 * (`eventforge run bench/pipeline/system.ts --worker --export=pipeline`) load the same system.
 */
import { Orders, Payments, Reservations } from '../../examples/shop.js';
import { System } from '../../runtime/index.js';

/** The chain alone: the example's StockLevels view is not part of the pipeline measured. */
export const pipeline = new System([[Orders, Reservations, Payments]]);
