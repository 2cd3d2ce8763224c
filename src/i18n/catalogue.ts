/**
 * The shape every language's messages must have: the Vietnamese catalogue defines the keys, every
 * other language gives a string for each of them (a missing or extra key fails the type-check).
 * Vietnamese has one plural form (`_other`); a language with a singular may add `_one` beside it.
 */
type SingularOf<K> = K extends `${infer Base}_other` ? `${Base}_one` : never;

export type CatalogueOf<T> = { [K in keyof T]: T[K] extends string ? string : CatalogueOf<T[K]> } & {
  [K in SingularOf<keyof T & string>]?: string;
};
