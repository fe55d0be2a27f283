import { version } from '../../package.json';

/** What every evidence record names as its writer: the Lifeboat release the handler was bundled from. */
export const HANDLER_VERSION = `lifeboat@${version}`;
