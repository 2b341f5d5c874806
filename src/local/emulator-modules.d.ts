// Types for the emulator packages that ship none; only what src/local uses.

declare module 's3rver' {
  import type { Server } from 'node:http';

  namespace S3rver {
    interface Options {
      address?: string;
      port?: number;
      silent?: boolean;
      directory?: string;
      resetOnClose?: boolean;
      allowMismatchedSignatures?: boolean;
      vhostBuckets?: boolean;
      serviceEndpoint?: string;
      configureBuckets?: { name: string; configs?: (string | Uint8Array)[] }[];
    }

    interface Store {
      existsObject(bucket: string, key: string): Promise<boolean>;
      /** Throws (ENOENT) when the object does not exist; `etag` is the quoted MD5. */
      getMetadata(bucket: string, key: string): Promise<{ etag: string; [name: string]: unknown }>;
    }

    /** The slice of a Koa context the middleware here reads and writes. */
    interface Context {
      method: string;
      path: string;
      query: Record<string, string | string[] | undefined>;
      get(field: string): string;
      status: number;
      type: string;
      body: unknown;
      store: Store;
    }

    type Middleware = (ctx: Context, next: () => Promise<void>) => Promise<void>;
  }

  class S3rver {
    constructor(options?: S3rver.Options);
    /** Koa's middleware list; composed when the server starts listening. */
    middleware: S3rver.Middleware[];
    store: S3rver.Store;
    httpServer?: Server;
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
    on(event: 'event', listener: (event: unknown) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export = S3rver;
}

declare module 'dynalite' {
  import type { Server } from 'node:http';

  namespace dynalite {
    interface Options {
      /** LevelDB directory; in memory when absent. */
      path?: string;
      createTableMs?: number;
      deleteTableMs?: number;
      updateTableMs?: number;
      maxItemSizeKb?: number;
      verbose?: boolean;
      debug?: boolean;
    }
  }

  function dynalite(options?: dynalite.Options): Server;

  export = dynalite;
}
