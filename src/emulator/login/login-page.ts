const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The minimal universal-login page: one form posting to /u/login with the pending transaction. */
export function loginPage(transaction: string, clientName: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in | ${escape(clientName)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}.error{color:#b00020}</style>
</head><body>
<h1>Log in</h1><p>to continue to <strong>${escape(clientName)}</strong> (Auth0 emulator)</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/u/login">
<input type="hidden" name="state" value="${escape(transaction)}">
<label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Continue</button>
</form></body></html>`;
}
