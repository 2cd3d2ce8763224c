/**
 * The shape every language's messages must have: the Vietnamese catalogue defines the keys, every
 * other language gives a string for each of them (a missing or extra key fails the type-check).
 */
export type CatalogueOf<T> = { [K in keyof T]: T[K] extends string ? string : CatalogueOf<T[K]> };
