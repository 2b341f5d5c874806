import type { Mailer, OutgoingEmail } from '../../src/ports.ts';

/** A message as the SES emulator lists it (src/local/emulators.ts sentMail), for tests that read either. */
export interface SentMessage {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  email: OutgoingEmail;
}

/** The Mailer port in memory: every message it accepts, in order, until cleared. */
export class MemoryMailer implements Mailer {
  private readonly sent: SentMessage[] = [];
  private count = 0;

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const messageId = `memory-${++this.count}`;
    this.sent.push({
      messageId,
      destination: { to: [email.to] },
      subject: email.subject,
      body: { text: email.text, html: email.html },
      email: structuredClone(email),
    });
    return { messageId };
  }

  async sentMail(): Promise<SentMessage[]> {
    return [...this.sent];
  }

  async clearMail(): Promise<void> {
    this.sent.length = 0;
  }
}
