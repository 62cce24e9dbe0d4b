/**
 * Every item of a paginated EC2 listing: pages are asked for with the previous page's
 * `NextToken` until there is none.
 */
export async function allPages<Page extends { NextToken?: string | undefined }, Item>(params: {
  readonly page: (token: string | undefined) => Promise<Page>;
  readonly items: (page: Page) => readonly Item[];
}): Promise<Item[]> {
  const found: Item[] = [];
  let token: string | undefined;
  do {
    const page = await params.page(token);
    found.push(...params.items(page));
    token = page.NextToken;
  } while (token !== undefined && token !== '');
  return found;
}

/** `{ NextToken }` when there is one, for spreading into a request. */
export function after(token: string | undefined): { NextToken?: string } {
  return token === undefined ? {} : { NextToken: token };
}
