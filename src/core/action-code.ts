/** The Action's source with the claim name filled in (as a JS string literal, so any namespace is safe). */
export function renderActionCode(template: string, claim: string): string {
  const literal = JSON.stringify(claim).slice(1, -1).replaceAll("'", "\\'");
  return template.replace('__TENANT_CLAIM__', literal);
}
