// Delivery sinks for the e2e suite: a real SMTP server (maildev, in-process) that sspr sends
// verification codes to, and a tiny HTTP endpoint that plays the SMS provider.
//
//   SMTP_PORT      maildev's SMTP listener (127.0.0.1)
//   MAIL_API_PORT  maildev's web UI and REST API (GET /api/email, DELETE /api/email/all)
//   SMS_PORT       the SMS provider and the control endpoints:
//                    POST /sms          record {"to", "text"} as received; answer 200
//                    GET /sms           every recorded message, oldest first
//                    DELETE /sms        forget them
//                    POST /smtp/stop    close the SMTP listener (connections are refused)
//                    POST /smtp/start   listen again on the same port
//
// scripts/e2e.sh starts it and waits for the `ready` line; SIGTERM stops it.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailDev } from 'maildev';

const HOST = '127.0.0.1';

function port(name) {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a port number`);
  return value;
}

const smtpPort = port('SMTP_PORT');
const mailApiPort = port('MAIL_API_PORT');
const smsPort = port('SMS_PORT');

// maildev writes each message's .eml to disk; keep them in our own directory, not the
// shared $TMPDIR/maildev, and remove it on exit.
const mailDirectory = mkdtempSync(join(tmpdir(), 'sspr-sinks-'));

const maildev = new MailDev({
  smtp: smtpPort,
  ip: HOST,
  web: mailApiPort,
  webIp: HOST,
  mailDirectory,
});
// The SMTP server object survives a stop/start: each start() creates a fresh listener on
// the same port, while the storage (and so the REST API's view of received mail) stays.
const { smtp } = await maildev.start();
let smtpRunning = true;

async function stopSmtp() {
  if (!smtpRunning) return;
  // smtp-server waits up to 30 s for open connections (e.g. a pooled client that is
  // idle) before it closes them with a 421. A fault test wants the outage now, so we
  // shorten that grace period; the listener itself closes at once.
  smtp.smtp.options.closeTimeout = 50;
  await smtp.stop();
  smtpRunning = false;
}

async function startSmtp() {
  if (smtpRunning) return;
  await smtp.start();
  smtpRunning = true;
}

/** SMS messages as the provider received them, oldest first. */
let sms = [];

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const http = createServer(async (req, res) => {
  const route = `${req.method} ${new URL(req.url, 'http://x').pathname}`;
  try {
    switch (route) {
      case 'POST /sms': {
        const raw = await readBody(req);
        let body;
        try {
          body = JSON.parse(raw);
        } catch {
          // Record it anyway so a test can see what was sent, but answer like a provider would.
          sms.push({ receivedAt: new Date().toISOString(), raw, contentType: req.headers['content-type'] ?? null });
          return send(res, 400, { error: 'body is not JSON' });
        }
        sms.push({ ...body, receivedAt: new Date().toISOString(), contentType: req.headers['content-type'] ?? null });
        console.log(`sms to ${body?.to}`);
        return send(res, 200, { status: 'queued', id: String(sms.length) });
      }
      case 'GET /sms':
        return send(res, 200, sms);
      case 'DELETE /sms':
        sms = [];
        return send(res, 200, true);
      case 'POST /smtp/stop':
        await stopSmtp();
        console.log('smtp stopped');
        return send(res, 200, { smtp: 'stopped' });
      case 'POST /smtp/start':
        await startSmtp();
        console.log('smtp started');
        return send(res, 200, { smtp: 'running' });
      case 'GET /smtp':
        return send(res, 200, { smtp: smtpRunning ? 'running' : 'stopped' });
      default:
        return send(res, 404, { error: `no route ${route}` });
    }
  } catch (err) {
    console.error(`${route} failed:`, err);
    return send(res, 500, { error: String(err?.message ?? err) });
  }
});
await new Promise((resolve, reject) => {
  http.once('error', reject);
  http.listen(smsPort, HOST, resolve);
});

console.log(`ready smtp=${HOST}:${smtpPort} mail-api=http://${HOST}:${mailApiPort} sms=http://${HOST}:${smsPort}`);

async function shutdown(signal) {
  console.log(`${signal}: shutting down`);
  http.closeAllConnections();
  http.close();
  if (smtpRunning) smtp.smtp.options.closeTimeout = 50;
  // maildev.stop() stops the SMTP server again; a second close of a stopped listener only
  // reports an error we don't care about here.
  await maildev.stop().catch(() => {});
  rmSync(mailDirectory, { recursive: true, force: true });
  process.exit(0);
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
