import { compactVerify, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
type PublicKey = Awaited<ReturnType<typeof generateKeyPair>>['publicKey'];

/** The tenant's RS256 signing keys: the first signs, all are published in the JWKS (rotation adds a kid). */
export class SigningKeys {
  private constructor(private readonly keys: { kid: string; jwk: JWK; privateKey: PrivateKey; publicKey: PublicKey; publicJwk: JWK }[]) {}

  static async generateJwk(): Promise<JWK> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    return { ...jwk, kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
  }

  static async load(jwks: JWK[]): Promise<SigningKeys> {
    const keys = [];
    for (const jwk of jwks) {
      const { d, p, q, dp, dq, qi, ...pub } = jwk;
      keys.push({
        kid: String(jwk.kid),
        jwk,
        privateKey: (await importJWK(jwk, 'RS256')) as PrivateKey,
        publicKey: (await importJWK(pub, 'RS256')) as PublicKey,
        publicJwk: pub,
      });
    }
    return new SigningKeys(keys);
  }

  get jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  async sign(payload: JWTPayload, typ = 'JWT'): Promise<string> {
    const key = this.keys[0];
    if (!key) throw new Error('no signing key');
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ, kid: key.kid }).sign(key.privateKey);
  }

  /** Verifies a token this tenant issued; throws jose's errors otherwise. */
  async verify(token: string, issuer: string, audience: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = this.keys.find((k) => k.kid === header.kid);
        if (!key) throw new Error('unknown kid');
        return key.publicKey;
      },
      { issuer, audience, algorithms: ['RS256'] },
    );
    return payload;
  }

  /** The payload of a token this tenant signed, whatever its time claims (an expired `id_token_hint` still names its session). */
  async signedPayload(token: string): Promise<JWTPayload> {
    const { payload } = await compactVerify(token, async (header) => {
      const key = this.keys.find((k) => k.kid === header.kid);
      if (!key || header.alg !== 'RS256') throw new Error('unknown kid');
      return key.publicKey;
    });
    return JSON.parse(new TextDecoder().decode(payload)) as JWTPayload;
  }
}
