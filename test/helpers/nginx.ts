// A real nginx (Debian's package) in front of Akkoord servers, for e2e tests: its own
// prefix folder and configuration in a temp directory, listening on a loopback port, run in
// the foreground as a child process. The site mirrors the one in docs/deploy.md, without TLS.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The nginx binary, or null when it is not installed. */
export const NGINX_BINARY =
  ['/usr/sbin/nginx', '/usr/bin/nginx'].find((file) => fs.existsSync(file)) ?? null;

export interface Nginx {
  url: string;
  /** nginx's error log, for failure messages. */
  errors(): string;
  stop(): Promise<void>;
}

export async function startNginx(port: number, upstreamPorts: number[]): Promise<Nginx> {
  if (!NGINX_BINARY) throw new Error('nginx is not installed (apt-get install -y nginx)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-nginx-'));
  fs.mkdirSync(path.join(dir, 'temp'));
  const servers = upstreamPorts
    .map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`)
    .join('\n');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/temp/body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  upstream akkoord {
${servers}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Forwarded "";
    proxy_connect_timeout 2s;
    location / {
      proxy_pass http://akkoord;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_read_timeout 60s;
    }
    # A server that died mid-request: a consent write goes to the next one too (it is
    # stored once per clientEventId).
    location ^~ /v1/consents {
      proxy_pass http://akkoord;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_read_timeout 60s;
    }
    location = /v1/feed {
      proxy_pass http://akkoord;
      proxy_next_upstream error timeout http_502 http_503;
      # Long-polls wait up to 30 s for the next event.
      proxy_read_timeout 75s;
      proxy_buffering off;
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(
    NGINX_BINARY,
    ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors = () =>
    output +
    (fs.existsSync(path.join(dir, 'error.log'))
      ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8')
      : '');
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited:\n${errors()}`);
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`nginx did not listen:\n${errors()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    errors,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
