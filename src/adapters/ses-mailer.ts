import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { MessageRejectedError, ThrottledError, type Mailer, type OutgoingEmail } from '../ports.ts';

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TAG_TEXT = /^[A-Za-z0-9_-]{1,256}$/;

/** Mailer over SES v2 SendEmail with simple content, so that custom headers (List-Unsubscribe...) are kept. */
export class SesMailer implements Mailer {
  constructor(private readonly client: SESv2Client) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    checkEmail(email);
    const command = new SendEmailCommand({
      FromEmailAddress: email.from,
      Destination: { ToAddresses: [email.to] },
      ...(email.replyTo !== undefined && { ReplyToAddresses: [email.replyTo] }),
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Html: { Data: email.html, Charset: 'UTF-8' },
            Text: { Data: email.text, Charset: 'UTF-8' },
          },
          Headers: email.headers.map((h) => ({ Name: h.name, Value: h.value })),
        },
      },
      ...(email.configurationSet !== undefined && { ConfigurationSetName: email.configurationSet }),
      ...(email.tags && { EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })) }),
    });
    try {
      const out = await this.client.send(command);
      return { messageId: out.MessageId ?? '' };
    } catch (err) {
      throw classifySesError(err);
    }
  }
}

/** Maps an SES failure onto the port's errors; anything else is returned unchanged. */
export function classifySesError(err: unknown): unknown {
  const e = err as AwsError;
  const name = e?.name ?? '';
  const message = e?.message ?? '';
  if (
    name === 'TooManyRequestsException' ||
    name === 'Throttling' ||
    name === 'ThrottlingException' ||
    e?.$metadata?.httpStatusCode === 429 ||
    /maximum sending rate exceeded/i.test(message)
  ) {
    return new ThrottledError(`SES throttled the send: ${name} ${message}`.trim(), { cause: err });
  }
  if (name === 'MessageRejected' || name === 'BadRequestException') {
    return new MessageRejectedError(`SES rejected the message: ${name} ${message}`.trim(), { cause: err });
  }
  return err;
}

/**
 * SES refuses these in production, but the local emulator accepts them: checking here makes a local run fail the
 * way production would, and keeps a CR/LF in a value from forging further headers.
 */
function checkEmail(email: OutgoingEmail): void {
  for (const { name, value } of email.headers) {
    if (!HEADER_NAME.test(name)) throw new MessageRejectedError(`invalid header name: ${JSON.stringify(name)}`);
    if (/[\r\n]/.test(value)) throw new MessageRejectedError(`header ${name} contains a line break`);
  }
  for (const [name, value] of Object.entries(email.tags ?? {})) {
    if (!TAG_TEXT.test(name) || !TAG_TEXT.test(value)) {
      throw new MessageRejectedError(`invalid message tag ${JSON.stringify(name)}=${JSON.stringify(value)}`);
    }
  }
}
