// Keeps the last `keep` items of a followed source (a log tail, the event log) while `subscribe`
// is set; a new `subscribe` (another instance) starts from empty.
import { useEffect, useState } from 'react';

export type Follow<T> = (push: (items: T[]) => void) => () => void;

export function useFollow<T>(subscribe: Follow<T> | null, keep: number): T[] {
  const [items, setItems] = useState<T[]>([]);
  useEffect(() => {
    setItems([]);
    if (!subscribe) return;
    return subscribe((batch) => {
      if (batch.length > 0) setItems((previous) => [...previous, ...batch].slice(-keep));
    });
  }, [subscribe, keep]);
  return items;
}
