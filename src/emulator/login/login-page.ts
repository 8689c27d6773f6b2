const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const STYLE =
  '<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}.error{color:#b00020}</style>';

export interface LoginPageOptions {
  /** An invitation: the invitee's email, filled in; a new invitee chooses a password here (sign-up). */
  invitation?: { email: string; organization: string };
  /** The organization the login goes through (shown as Auth0's page shows it). */
  organization?: string;
}

/** The minimal universal-login page: one form posting to /u/login with the pending transaction. */
export function loginPage(transaction: string, clientName: string, error?: string, options: LoginPageOptions = {}): string {
  const heading = options.invitation
    ? `<h1>Join ${escape(options.invitation.organization)}</h1><p>You were invited to <strong>${escape(options.invitation.organization)}</strong>: log in, or choose a password if you are new (Auth0 emulator)</p>`
    : `<h1>Log in</h1><p>to continue to <strong>${escape(clientName)}</strong>${options.organization ? ` (organization <strong id="organization">${escape(options.organization)}</strong>)` : ''} (Auth0 emulator)</p>`;
  const email = options.invitation ? ` value="${escape(options.invitation.email)}" readonly` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in | ${escape(clientName)}</title>
${STYLE}
</head><body>
${heading}
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/u/login">
<input type="hidden" name="state" value="${escape(transaction)}">
<label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username" required${email}>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Continue</button>
</form></body></html>`;
}

/** Auth0's organization prompt (`organization_require_behavior: pre_login_prompt`): the organization's name first. */
export function organizationPromptPage(transaction: string, clientName: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Organization | ${escape(clientName)}</title>
${STYLE}
</head><body>
<h1>Enter your organization name</h1><p>to continue to <strong>${escape(clientName)}</strong> (Auth0 emulator)</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/u/organization">
<input type="hidden" name="state" value="${escape(transaction)}">
<label for="organizationName">Organization name</label><input id="organizationName" name="organizationName" type="text" autocomplete="organization" required>
<button type="submit">Continue</button>
</form></body></html>`;
}
