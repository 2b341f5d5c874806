/** The parts of an S3 event notification (as Lambda receives it) that this project reads. */
export interface S3NotificationEvent {
  Records: S3NotificationRecord[];
}

export interface S3NotificationRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  /** For example `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectRemoved:Delete`. */
  eventName: string;
  s3: {
    s3SchemaVersion: string;
    bucket: { name: string; arn: string };
    object: {
      /** URL-encoded, with spaces as `+`: decode with decodeS3EventKey. */
      key: string;
      size?: number;
      eTag?: string;
      /** Orders the events of one key: compare as hex strings of equal length. */
      sequencer: string;
    };
  };
}

/** The object key as stored, from the form S3 puts into event notifications. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The form S3 gives keys in event notifications: form-URL-encoded, spaces as `+`, slashes kept. */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}
