import { awsCodeOf } from './aws-code.js';

/**
 * One EC2 call for every item; when EC2 refuses it whole because another client got
 * there first (an ingress rule already there, or outside the default VPC already gone:
 * EC2 then changes nothing at all), one call per item, each of which may find its item
 * done already. `alreadyDone` is the AWS code that says so.
 */
export async function inOneCallOrEach<T>(params: { readonly items: readonly T[]; readonly call: (items: readonly T[]) => Promise<unknown>; readonly alreadyDone: string }): Promise<void> {
  if (params.items.length === 0) return;
  try {
    await params.call(params.items);
  } catch (error) {
    if (awsCodeOf(error) !== params.alreadyDone) throw error;
    if (params.items.length === 1) return;
    for (const item of params.items) {
      await params.call([item]).catch((each: unknown) => {
        if (awsCodeOf(each) !== params.alreadyDone) throw each;
      });
    }
  }
}
