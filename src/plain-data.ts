/**
 * Whether JSON keeps a value exactly: strings, booleans, null, finite numbers other than -0,
 * arrays and plain objects. Anything else (NaN, Infinity, -0, undefined, Maps, Sets, a
 * `__proto__` key) does not survive a round trip, so nothing keyed or stored by its JSON may
 * stand for it.
 */
export function survivesJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(survivesJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.keys(value as object).every((k) => k !== '__proto__') && Object.values(value as object).every(survivesJson);
  return false;
}
