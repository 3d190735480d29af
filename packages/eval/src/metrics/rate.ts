/** `n / d`, or 0 when `d` is 0 (an empty input gives zero rates, never NaN). */
export const rate = (n: number, d: number): number => (d === 0 ? 0 : n / d);
