/**
 * A value fetched once and shared by every caller, concurrent ones included; a failed
 * fetch is forgotten so that the next caller tries again.
 */
export class Memo<T> {
  #pending: Promise<T> | undefined;

  get(fetch: () => Promise<T>): Promise<T> {
    if (this.#pending === undefined) {
      const pending = fetch();
      this.#pending = pending;
      pending.catch(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    }
    return this.#pending;
  }

  /** Forgets the value: the next caller fetches again (after what it described was deleted). */
  reset(): void {
    this.#pending = undefined;
  }
}
