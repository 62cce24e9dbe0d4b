/**
 * The `ec2` provider: `import { ec2Provider } from 'envboot/providers/ec2'`.
 */
export { createEc2Provider, ec2Provider, type CreateEc2ProviderParams } from './ec2-provider.js';
export { ec2Descriptor } from './descriptor.js';
export { Ec2Environ, type Ec2EnvironParams } from './ec2-environ.js';
export { defaultEc2Timing, type ConsistencyRetry, type Ec2Timing } from './ec2-timing.js';
export { Ec2Api, type CallContext, type Ec2ApiParams } from './ec2-api.js';
export { ec2ServiceError, type Ec2Adapter, type Ec2Answer, type Ec2CallOptions, type Ec2ServiceErrorParams } from './ec2-adapter.js';
export { sdkEc2Adapter } from './sdk-ec2-adapter.js';
export type { IamAdapter } from './iam-adapter.js';
export { lazySdkIamAdapter } from './sdk-iam-adapter.js';
export type { Ec2Services, Ec2StateLocation, OpenEc2Services } from './ec2-services.js';
export { defaultEc2Retry, type Ec2RetryPolicy } from './ec2-retry.js';
export { ec2ProviderCalls } from './ec2-calls.js';
export { createAwsClients, openAwsServices, s3StateStorage, type AwsClients, type CreateAwsClientsParams } from './aws-clients.js';
export { awsClientConfig, type AwsClientConfig, type AwsClientConfigParams, type AwsCredentials } from './aws-client-config.js';
export { awsCredentials, type AwsAccess, type AwsCredentialsParams } from './aws-credentials.js';
export { AwsConnectionError } from './aws-connection-errors.js';
export { chooseProxy, redactProxyUrl, type ChosenProxy, type ProxyEnvironment } from './proxy-choice.js';
export { defaultEc2Config, ec2ConfigKeys, validateEc2Config, type Ec2AssumeRole, type Ec2Config, type Ec2ImageName, type Ec2InstanceProfile, type Ec2JumpHost } from './config.js';
export { ec2Capabilities } from './capabilities.js';
