/** Types of scripts/build.mjs (plain JavaScript, so that `npm start` runs it without a TypeScript loader). */
export declare const DIST: string;
export declare function buildDist(extra?: readonly string[]): Promise<{ files: number; changed: number }>;
