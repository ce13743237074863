// Starts the real `stride` binary on a temporary SQLite database and a free port, with an
// owner created through the CLI before the first start. Used by the end-to-end tests and by
// `npm run dev:server` (a seeded server to develop against).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const OWNER = { email: 'owner@stride.test', password: 'owner-password-1' };

export interface RunningServer {
  url: string;
  dir: string;
  stop(): Promise<void>;
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export function strideBinary(): string {
  return resolve(process.env.STRIDE_BIN ?? resolve(import.meta.dirname, '../../target/debug/stride'));
}

export async function startServer(options: { port?: number } = {}): Promise<RunningServer> {
  const bin = strideBinary();
  const dir = mkdtempSync(join(tmpdir(), 'stride-e2e-'));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'stride.toml');
  writeFileSync(
    config,
    [
      `database_url = "sqlite://${dir}/stride.db"`,
      `listen = "127.0.0.1:${port}"`,
      `public_url = "${url}"`,
      `data_dir = "${dir}/data"`,
      'log_format = "json"',
      'log_filter = "warn"',
      '',
      '[http]',
      // One test browser and one seeding client on one address: room for both.
      'per_address_per_s = 2000',
      'per_address_burst = 5000',
      'per_session_per_s = 2000',
      'per_session_burst = 5000',
      '',
      '[plugin.strava]',
      // Enough for `connectProvider` to build a link; nothing here talks to Strava.
      'oauth_client_id = "e2e-client"',
      'oauth_client_secret = "e2e-secret"',
      '',
    ].join('\n'),
  );
  // The server reads every `STRIDE_*` variable as configuration and refuses unknown ones, so
  // the harness's own (STRIDE_BIN, STRIDE_SCREENSHOTS, …) stay out of its environment.
  // STRIDE_CONSOLE_DIR (serve the console from disk) goes in when this server knows it.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('STRIDE_')));
  if (process.env.STRIDE_CONSOLE_DIR) env.STRIDE_CONSOLE_DIR = process.env.STRIDE_CONSOLE_DIR;
  const createOwner = () =>
    spawnSync(bin, ['--config', config, 'admin', 'create-owner', '--email', OWNER.email, '--name', 'Olive Owner', '--password-stdin'], {
      input: `${OWNER.password}\n`,
      encoding: 'utf8',
      env,
    });
  let created = createOwner();
  if (created.status !== 0 && env.STRIDE_CONSOLE_DIR && /CONSOLE_DIR/.test(created.stderr)) {
    console.warn(`# this stride binary's configuration refuses STRIDE_CONSOLE_DIR: testing the bundle compiled into it (${bin})`);
    delete env.STRIDE_CONSOLE_DIR;
    created = createOwner();
  }
  if (created.status !== 0) {
    throw new Error(`stride admin create-owner failed (${created.status}): ${created.stderr}${created.stdout}`);
  }
  let output = '';
  const child: ChildProcess = spawn(bin, ['--config', config, 'serve'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stride serve exited (${child.exitCode}):\n${output}`);
    try {
      const ready = await fetch(`${url}/readyz`);
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`stride serve did not become ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dir,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
