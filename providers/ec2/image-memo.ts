import type { Ec2Config } from './config.js';
import type { Ec2Api } from './ec2-api.js';
import { findImage, type ChosenImage } from './image.js';
import { Memo } from './memo.js';

/**
 * The configured AMI (whatever the architecture asked for), or the newest match of the
 * configured name, or the newest Ubuntu LTS, of each architecture: one DescribeImages per
 * Environ each, shared by concurrent starts, the plan and the planner's defaults.
 */
export class ImageMemo {
  readonly #api: Ec2Api;
  readonly #config: Pick<Ec2Config, 'image' | 'imageName'>;
  readonly #images = new Map<string, Memo<ChosenImage>>();

  constructor(api: Ec2Api, config: Pick<Ec2Config, 'image' | 'imageName'>) {
    this.#api = api;
    this.#config = config;
  }

  get(params: { arch: string | undefined; signal: AbortSignal | undefined }): Promise<ChosenImage> {
    const arch = params.arch ?? 'amd64';
    const key = this.#config.image ?? arch;
    let memo = this.#images.get(key);
    if (memo === undefined) {
      memo = new Memo<ChosenImage>();
      this.#images.set(key, memo);
    }
    return memo.get(() => findImage({ api: this.#api, arch, configured: this.#config.image, named: this.#config.imageName, signal: params.signal }));
  }
}
