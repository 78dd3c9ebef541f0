/** A set of listeners of one kind of value. */
export interface Listeners<T> {
  /** Adds a listener; the returned function removes it. */
  add(listener: (value: T) => void): () => void;
  /** Calls every listener; one that throws is reported to `onError` and does not starve the others. */
  emit(value: T): void;
}

export function createListeners<T>(onError: (error: unknown) => void): Listeners<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(value) {
      for (const listener of listeners) {
        try {
          listener(value);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
