// `npm run keys -- [options]`: generates an RSA 2048 key pair and a self-signed certificate, and
// writes the certificate to upload to Salesforce and the credentials-secret JSON to store. Never
// prints the key.
import { generateKeyMaterial } from './keys/key-material.js';
import { PLACEHOLDER, writeKeyFiles } from './keys/key-files.js';
import { runCli, UsageError, type Cli } from './cli.js';

const options = {
  out: { type: 'string', default: 'keys' },
  cn: { type: 'string', default: 'sf-lambda-bridge' },
  days: { type: 'string', default: '730' },
  'login-url': { type: 'string', default: 'https://login.salesforce.com' },
  'client-id': { type: 'string', default: PLACEHOLDER },
  username: { type: 'string', default: PLACEHOLDER },
  audience: { type: 'string' },
} as const;

export const keysCli = {
  name: 'keys',
  usage: `Usage: npm run keys -- [options]

Generates an RSA 2048 key pair and a self-signed certificate in a new folder: the certificate to
upload to Salesforce, the private key, and the credentials secret for \`npm run secret:put\`.

Options:
  --out DIR        folder to write, refused if it holds key files already (default: keys)
  --cn NAME        the certificate's common name (default: sf-lambda-bridge)
  --days N         the certificate's validity, 1 to 3650 days (default: 730)
  --login-url URL  the secret's loginUrl (default: https://login.salesforce.com)
  --client-id KEY  the External Client App's consumer key (default: ${PLACEHOLDER}, fill it in later)
  --username USER  the integration user's username (default: ${PLACEHOLDER}, fill it in later)
  --audience URL   the JWT audience, if it is not the login URL
  -h, --help       show this help`,
  options,
  check: (values) => {
    const days = Number(values.days);
    if (!/^\d+$/.test(values.days) || days < 1 || days > 3650)
      throw new UsageError(`--days must be a whole number from 1 to 3650, not "${values.days}"`);
    return { ...values, days };
  },
} satisfies Cli<typeof options, unknown>;

await runCli(import.meta.url, keysCli, async (values) => {
  const keys = await generateKeyMaterial({ commonName: values.cn, days: values.days });
  const files = await writeKeyFiles(values.out, keys, {
    loginUrl: values['login-url'],
    clientId: values['client-id'],
    username: values.username,
    ...(values.audience ? { audience: values.audience } : {}),
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    throw new Error(
      `${values.out} already holds key files: refusing to overwrite a key. Choose another --out (e.g. keys-${new Date().toISOString().slice(0, 10)}).`,
    );
  });

  console.log(`Wrote
  ${files.certificate}  (upload this to the External Client App: JWT Bearer Flow > certificate)
  ${files.privateKey}  (0600; keep it out of git and out of chat)
  ${files.secret}  (0600; the credentials secret to store)

Next:
  1. Upload ${files.certificate} to your External Client App (it is valid for ${values.days} days).
  2. ${values['client-id'] === PLACEHOLDER || values.username === PLACEHOLDER ? `Fill in clientId and username in ${files.secret}.\n  3. ` : ''}npm run secret:put -- --name sf-lambda-bridge/<stage>/salesforce --file ${files.secret}`);
});
