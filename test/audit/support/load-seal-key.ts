/**
 * A process loading the sealing key from a file, at a given moment: `node --import tsx
 * load-seal-key.ts <file> <epoch ms>`. Prints the public key it got (base64url).
 */
import { loadSealKey } from '../../../src/audit/tamper-evidence/seal-key.js';

const [file, at] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now())));
process.stdout.write(loadSealKey({ file }).publicKey.toString('base64url'));
