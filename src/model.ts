import type { AiAssistance, Genre } from './vocabulary/newscodes.ts';

/** The editorial as every renderer sees it: parsed, validated, normalised. */
export interface Editorial {
  /** The file name as given (no folders), used in every message about this editorial. */
  file: string;
  /** Stable identifier: URL path segment, feed guid, ninjs uri. */
  slug: string;
  form: 'text' | 'markdown';
  title: string;
  /** Standfirst; the email preheader and feed summary. */
  summary?: string;
  author?: string;
  /** BCP 47 tag. */
  lang: string;
  dir: 'ltr' | 'rtl';
  published: Date;
  /** Equals `published` unless a later correction updated it. */
  updated: Date;
  topics: string[];
  /** How this framing compares with the wire's; belongs in the provenance footer. */
  framing?: string;
  /** Shown above the body and carried to partners as an editorial note. */
  correction?: string;
  status: 'published' | 'withdrawn';
  embargo?: Date;
  /** When the email goes out (front matter `email: { sendAt }`), when that is later than the editorial going public. */
  emailSendAt?: Date;
  /** A correction that asks for the email to go out again (front matter `resend: true`). */
  resend?: boolean;
  /** What kind of piece it is (front matter `genre`); partners are told "analysis" when it says nothing. */
  genre?: Genre;
  /** Editorial urgency for partners, 1 (most urgent) to 9 (front matter `urgency`); partners are told 5 when absent. */
  urgency?: number;
  /** Where the editorial is written from, a place name (front matter `dateline`). */
  dateline?: string;
  /** What the desk declares about automated help in writing it (front matter `aiAssistance`). */
  aiAssistance?: AiAssistance;
  /** The sentence introducing the sources, when the editorial has one. */
  provenanceIntro?: string;
  sources: Source[];
  blocks: Block[];
}

export interface Source {
  /** Absolute http(s) URL, normalised by the WHATWG URL parser. */
  url: string;
  /** Given by the editorial, or derived from the URL. */
  label: string;
}

/**
 * A run of inline content. `html` is safe to insert into HTML as is: every character of the editorial's
 * own text in it is escaped, and the only elements are em, strong, code, a (http/https/mailto), br.
 */
export interface Inline {
  html: string;
  text: string;
}

export type Block =
  | ({ kind: 'heading'; level: 2 | 3 | 4 } & Inline)
  | ({ kind: 'paragraph' } & Inline)
  | { kind: 'quote'; paragraphs: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[] }
  | { kind: 'code'; text: string };

/** A rejection: always names the file, the line where there is one, and the reason. */
export interface Rejection {
  file: string;
  line: number | null;
  reason: string;
}
