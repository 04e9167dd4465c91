/**
 * kind's cluster configuration (kind.x-k8s.io/v1alpha4, the `Cluster` kind) as a JSON Schema,
 * transcribed from kind's own Go types (pkg/apis/config/v1alpha4/types.go in
 * kubernetes-sigs/kind). kind decodes this file strictly, so an unknown or misspelt field is an
 * error there too: every object here forbids additional properties.
 */
const strings = { type: 'array', items: { type: 'string' } } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

const patchJson6902 = {
  type: 'object',
  additionalProperties: false,
  required: ['group', 'version', 'kind', 'patch'],
  properties: {
    group: { type: 'string' },
    version: { type: 'string' },
    kind: { type: 'string' },
    patch: { type: 'string' },
  },
} as const;

const port = { type: 'integer', minimum: -1, maximum: 65535 } as const;

const node = {
  type: 'object',
  additionalProperties: false,
  properties: {
    role: { enum: ['control-plane', 'worker'] },
    image: { type: 'string' },
    labels: stringMap,
    extraMounts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          containerPath: { type: 'string' },
          hostPath: { type: 'string' },
          readOnly: { type: 'boolean' },
          selinuxRelabel: { type: 'boolean' },
          propagation: { enum: ['None', 'HostToContainer', 'Bidirectional'] },
        },
      },
    },
    extraPortMappings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          containerPort: port,
          hostPort: port,
          listenAddress: { type: 'string' },
          protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
        },
      },
    },
    gpus: { type: 'string' },
    kubeadmConfigPatches: strings,
    kubeadmConfigPatchesJSON6902: { type: 'array', items: patchJson6902 },
  },
} as const;

export const kindClusterSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'apiVersion'],
  properties: {
    kind: { const: 'Cluster' },
    apiVersion: { const: 'kind.x-k8s.io/v1alpha4' },
    name: { type: 'string' },
    nodes: { type: 'array', items: node },
    networking: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ipFamily: { enum: ['ipv4', 'ipv6', 'dual'] },
        apiServerPort: port,
        apiServerAddress: { type: 'string' },
        podSubnet: { type: 'string' },
        serviceSubnet: { type: 'string' },
        disableDefaultCNI: { type: 'boolean' },
        kubeProxyMode: { enum: ['iptables', 'ipvs', 'nftables', 'none'] },
        dnsSearch: strings,
      },
    },
    featureGates: { type: 'object', additionalProperties: { type: 'boolean' } },
    runtimeConfig: stringMap,
    kubeadmConfigPatches: strings,
    kubeadmConfigPatchesJSON6902: { type: 'array', items: patchJson6902 },
    containerdConfigPatches: strings,
    containerdConfigPatchesJSON6902: strings,
  },
} as const;
