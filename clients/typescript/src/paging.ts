/**
 * AIP-158 paging as an async iterable: callers see one sequence of items and never handle
 * page tokens. Pages are fetched lazily, so breaking out of the loop stops fetching.
 */

export interface Page<T> {
  items: readonly T[];
  nextPageToken: string;
}

export async function* paginate<T>(fetchPage: (pageToken: string) => Promise<Page<T>>): AsyncGenerator<T> {
  let pageToken = "";
  do {
    const page = await fetchPage(pageToken);
    yield* page.items;
    pageToken = page.nextPageToken;
  } while (pageToken !== "");
}
