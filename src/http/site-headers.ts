/**
 * The Content-Security-Policy of every page of the public site (editorial pages, home, archive and topic pages,
 * withdrawal notices), sent by CloudFront and by the local server alike. The pages have no script (their JSON-LD is
 * a data block, which no policy governs), style themselves with inline <style> blocks, load nothing from elsewhere
 * and post one form, to /subscribe on the same site.
 *
 * Styles are allowed inline rather than by hash: a page in the bucket outlives a deployment, so hashes of today's
 * style blocks in the CDN's header would strip the style from every page written before a style change until all
 * were rebuilt. Without any script, with text always escaped and nothing loadable from elsewhere (default-src
 * 'none'), inline style is the one allowance. The subscriber functions' own pages hash their style blocks
 * (src/http/response.ts), since they send their header with the page.
 */
export const SITE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Links from a page to its sources say which site they come from, never which page. */
export const SITE_REFERRER_POLICY = 'strict-origin-when-cross-origin';

/** What the local server adds to every HTML object it serves, as the distribution's response headers policy does. */
export const SITE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': SITE_CONTENT_SECURITY_POLICY,
  'referrer-policy': SITE_REFERRER_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};
