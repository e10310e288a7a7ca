// Subscribes to a ProcessFeed for as long as the component lives and folds its events into state.
import { useEffect, useState } from 'react';
import { applyWatchEvent, type FeedState, INITIAL_FEED_STATE } from './feed-state.js';
import type { ProcessFeed } from './process-feed.js';

export function useProcessFeed(feed: ProcessFeed): FeedState {
  const [state, setState] = useState<FeedState>(INITIAL_FEED_STATE);
  useEffect(
    () =>
      feed.watch(
        (event) => setState((previous) => applyWatchEvent(previous, event)),
        (error) => setState((previous) => ({ ...previous, error: error.message })),
      ),
    [feed],
  );
  return state;
}
