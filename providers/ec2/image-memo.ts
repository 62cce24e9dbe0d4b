import type { Ec2Api } from './ec2-api.js';
import { findImage, type ChosenImage } from './image.js';
import { Memo } from './memo.js';

/**
 * The configured image (whatever the architecture asked for), or the newest Ubuntu LTS of
 * each architecture: one DescribeImages per Environ each, shared by concurrent starts.
 */
export class ImageMemo {
  readonly #api: Ec2Api;
  readonly #configured: string | undefined;
  readonly #images = new Map<string, Memo<ChosenImage>>();

  constructor(api: Ec2Api, configured: string | undefined) {
    this.#api = api;
    this.#configured = configured;
  }

  get(params: { arch: string | undefined; signal: AbortSignal | undefined }): Promise<ChosenImage> {
    const key = this.#configured ?? params.arch ?? 'amd64';
    let memo = this.#images.get(key);
    if (memo === undefined) {
      memo = new Memo<ChosenImage>();
      this.#images.set(key, memo);
    }
    return memo.get(() => findImage({ api: this.#api, arch: params.arch ?? 'amd64', configured: this.#configured, signal: params.signal }));
  }
}
