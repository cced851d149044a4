/** A catalogue with exactly the keys of `T` (the English texts of one area). */
export type Texts<T> = { readonly [K in keyof T]: string };
