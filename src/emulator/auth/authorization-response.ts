import type { ServerResponse } from 'node:http';
import type { Entity } from '../state.js';
import { originAllowed } from './common.js';

export const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'web_message'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

/**
 * Auth0's error page, for errors it cannot send back to the application: an unknown client, a redirect URI
 * that is not an allowed callback, a logout URL that is not allowed.
 */
export function sendErrorPage(res: ServerResponse, status: number, error: string, description: string): void {
  res.writeHead(status, HTML).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body>
<h1>Oops!, something went wrong</h1>
<p id="error"><strong>${escapeHtml(error)}</strong>: <span id="error_description">${escapeHtml(description)}</span></p>
</body></html>`);
}

/** A plain page (logout without a return URL, a finished password change). */
export function sendPage(res: ServerResponse, title: string, body: string): void {
  res.writeHead(200, HTML).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`);
}

/**
 * Answers an authorization request to its validated redirect URI in the requested `response_mode`:
 * `query` and `fragment` redirect, `form_post` posts an auto-submitted form, `web_message` posts
 * `{type: 'authorization_response', response}` to the opener or parent window (what auth0-spa-js's
 * silent authentication iframe and popup listen for), only to an allowed web origin.
 */
export function sendAuthorizationResponse(
  res: ServerResponse,
  client: Entity,
  redirectUri: string,
  mode: ResponseMode,
  params: Record<string, string | undefined>,
): void {
  const fields = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  switch (mode) {
    case 'query':
    case 'fragment': {
      const back = new URL(redirectUri);
      if (mode === 'query') for (const [k, v] of Object.entries(fields)) back.searchParams.set(k, v);
      else back.hash = new URLSearchParams(fields).toString();
      res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' }).end();
      return;
    }
    case 'form_post': {
      const inputs = Object.entries(fields)
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('\n');
      res.writeHead(200, HTML).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Submit This Form</title></head>
<body onload="javascript:document.forms[0].submit()">
<form method="post" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form></body></html>`);
      return;
    }
    case 'web_message': {
      const targetOrigin = new URL(redirectUri).origin;
      if (!originAllowed(client, targetOrigin)) {
        sendErrorPage(
          res,
          400,
          'invalid_request',
          `The origin "${targetOrigin}" is not in the application's Allowed Web Origins, which response_mode=web_message requires.`,
        );
        return;
      }
      res.writeHead(200, HTML).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorization Response</title></head><body>
<script type="text/javascript">
(function (window) {
  var targetOrigin = ${scriptJson(targetOrigin)};
  var authorizationResponse = { type: "authorization_response", response: ${scriptJson(fields)} };
  var mainWin = window.opener ? window.opener : window.parent;
  mainWin.postMessage(authorizationResponse, targetOrigin);
})(this);
</script></body></html>`);
      return;
    }
  }
}
