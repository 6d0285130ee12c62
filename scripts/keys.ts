// `npm run keys -- [--out keys] [--cn name] [--days 730] [--login-url URL] [--client-id KEY] [--username USER] [--audience URL]`
// Generates an RSA 2048 key pair and a self-signed certificate, and writes the certificate to
// upload to Salesforce and the credentials-secret JSON to store. Never prints the key.
import { parseArgs } from 'node:util';
import { generateKeyMaterial } from './keys/key-material.js';
import { PLACEHOLDER, writeKeyFiles } from './keys/key-files.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'keys' },
    cn: { type: 'string', default: 'sf-lambda-bridge' },
    days: { type: 'string', default: '730' },
    'login-url': { type: 'string', default: 'https://login.salesforce.com' },
    'client-id': { type: 'string', default: PLACEHOLDER },
    username: { type: 'string', default: PLACEHOLDER },
    audience: { type: 'string' },
  },
});

const days = Number(values.days);
if (!Number.isInteger(days) || days < 1 || days > 3650)
  throw new Error('--days must be a whole number from 1 to 3650');
const keys = await generateKeyMaterial({ commonName: values.cn, days });
const files = await writeKeyFiles(values.out, keys, {
  loginUrl: values['login-url'],
  clientId: values['client-id'],
  username: values.username,
  ...(values.audience ? { audience: values.audience } : {}),
}).catch((error: unknown) => {
  if ((error as { code?: string }).code !== 'EEXIST') throw error;
  console.error(
    `${values.out} already holds key files: refusing to overwrite a key. Choose another --out (e.g. keys-${new Date().toISOString().slice(0, 10)}).`,
  );
  process.exit(1);
});

console.log(`Wrote
  ${files.certificate}  (upload this to the External Client App: JWT Bearer Flow > certificate)
  ${files.privateKey}  (0600; keep it out of git and out of chat)
  ${files.secret}  (0600; the credentials secret to store)

Next:
  1. Upload ${files.certificate} to your External Client App (it is valid for ${days} days).
  2. ${values['client-id'] === PLACEHOLDER || values.username === PLACEHOLDER ? `Fill in clientId and username in ${files.secret}.\n  3. ` : ''}npm run secret:put -- --name sf-lambda-bridge/<stage>/salesforce --file ${files.secret}`);
