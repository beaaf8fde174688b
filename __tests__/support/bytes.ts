/** Every element of `before` appears in `after`, in order: the edit only inserted (strings or byte buffers). */
export function keepsAllInOrder(before: ArrayLike<unknown>, after: ArrayLike<unknown>): boolean {
  let j = 0;
  for (let i = 0; i < before.length; i++) {
    while (j < after.length && after[j] !== before[i]) j++;
    if (j++ >= after.length) return false;
  }
  return true;
}
