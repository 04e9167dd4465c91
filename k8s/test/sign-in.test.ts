/**
 * Signing in as the rendered manifests wire it. Locally the issuer is reached by two roads (the
 * browser's through the Ingress, task-service's back channel to the provider's Service), both to
 * a real provider started with the rendered settings; on aws, an https host and Cognito.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { globSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { IService } from 'kubernetes-models/v1/Service';
import {
  startIdentityProvider,
  type RunningIdentityProvider,
} from '../../services/identity-provider/src/index.ts';
import { loadConfig as loadProviderConfig } from '../../services/identity-provider/src/config.ts';
import { backchannelUrlFor } from '../../services/task-service/src/auth/backchannel.ts';
import { CALLBACK_PATH, SIGN_IN_PAGE } from '../../services/task-service/src/routes/auth.ts';
import { PROVIDER_ENV } from '../../docker/smoke/identity.ts';
import { INGRESS_ROUTES } from '../../docker/smoke/ingress.ts';
import { secretLooking } from '../../docker/smoke/secrets.ts';
import * as e from './support/env.ts';
import * as k from './support/kube.ts';
import { loadSkaffoldConfig } from './support/skaffold.ts';

const LOCAL_VARIANTS = ['local', 'dev', 'local+network-policies'] as const;
const AWS_VARIANTS = ['aws', 'aws+network-policies'] as const;
const PROVIDER = 'identity-provider';
const SHARED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_AUDIENCE', 'PUBLIC_URL', 'ADMIN_GROUP'];
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9-]+)_\w+$/;

const TO_SERVICE = { service: 'task-service', port: 'http' };
const TO_PROVIDER = { service: PROVIDER, port: 'http' };
/** The annotations of the AWS Load Balancer Controller. */
const ALB = 'alb.ingress.kubernetes.io/';

for (const variant of LOCAL_VARIANTS) {
  describe(`${variant}: the issuer, both roads to it, and the app's address`, () => {
    const objects = k.render(variant);
    const provider = e.envOf(objects, PROVIDER);
    const service = e.envOf(objects, 'task-service');
    const providerConfig = loadProviderConfig(e.programEnv(provider));
    /** What task-service is given, by variable. */
    const settings = Object.fromEntries(service.values);
    let running: RunningIdentityProvider;
    let discovery: Record<string, unknown>;

    before(async () => {
      // The real provider, with the rendered settings, on a free port of this machine.
      running = await startIdentityProvider({ ...providerConfig, port: 0, host: '127.0.0.1' });
      const issuerPath = new URL(providerConfig.issuer).pathname;
      const response = await fetch(
        `http://127.0.0.1:${running.port}${issuerPath}/.well-known/openid-configuration`,
      );
      assert.equal(response.status, 200);
      discovery = (await response.json()) as Record<string, unknown>;
    });
    after(() => running.close());

    test('every endpoint the provider publishes is on the issuer, and the Ingress routes it there, unrewritten', () => {
      assert.equal(discovery.issuer, provider.values.get('OIDC_ISSUER'));
      const endpoints = Object.entries(discovery).filter(
        ([key]) => key.endsWith('_endpoint') || key === 'jwks_uri' || key === 'issuer',
      );
      // The issuer, authorization, token, JWKS, userinfo, end session: all a client ever calls.
      assert.ok(endpoints.length >= 6, endpoints.map(([key]) => key).join(', '));
      const issuer = new URL(providerConfig.issuer);
      // Besides the listed endpoints: the discovery document and the sign-in page.
      const pages = [
        ['discovery', `${providerConfig.issuer}/.well-known/openid-configuration`],
        ['sign-in page', `${providerConfig.issuer}/interaction/some-uid`],
      ];
      for (const [key, value] of [...endpoints, ...pages]) {
        const url = new URL(String(value));
        assert.equal(url.origin, issuer.origin, `${key}: on the issuer's origin`);
        assert.ok(url.pathname.startsWith(issuer.pathname), `${key}: under the issuer's path`);
        assert.deepEqual(k.ingressRoute(objects, url.pathname), TO_PROVIDER, key);
      }
      const backend = { workload: PROVIDER, port: 9000, containerPort: providerConfig.port };
      assert.deepEqual(k.serviceBackend(objects, PROVIDER, 'http'), backend);
      // The provider serves its pages under the issuer's path itself: no rewrite in between.
      const annotations = Object.keys(k.ingress(objects).metadata.annotations ?? {});
      assert.ok(!annotations.some((key) => /rewrite-target|use-regex/.test(key)), 'no rewriting');
    });

    test('the container smoke test gives the provider what its Deployment gives it, and its miniature Ingress routes as this one does', () => {
      const env = k.mainContainer(objects, PROVIDER).env ?? [];
      assert.deepEqual(k.namesOf(env), [...PROVIDER_ENV].sort());
      const routes = k.ingressPaths(objects).map((p) => ({
        path: p.path,
        service: p.backend.service?.name,
      }));
      assert.deepEqual(routes, INGRESS_ROUTES);
    });

    test("the provider answers its probes' paths, on the port they name", async () => {
      const container = k.mainContainer(objects, PROVIDER);
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        assert.equal(probe?.httpGet?.port, 'http');
        const response = await fetch(`http://127.0.0.1:${running.port}${probe?.httpGet?.path}`);
        assert.equal(response.status, 200, probe?.httpGet?.path);
      }
    });

    test('the provider and task-service agree: one issuer, client, audience, address and admin group, one client secret', () => {
      for (const name of SHARED) {
        assert.ok(provider.values.get(name), `${name} is set`);
        assert.equal(provider.values.get(name), settings[name], name);
      }
      const secretOf = (refs: e.ResolvedEnv['secretRefs']) =>
        refs.find((ref) => ref.variable === 'OIDC_CLIENT_SECRET');
      assert.deepEqual(secretOf(provider.secretRefs), secretOf(service.secretRefs));
      assert.equal(secretOf(service.secretRefs)?.secret, e.SIGN_IN_SECRET);
      // The access tokens' audience is the API's absolute URI, on the app's address.
      assert.equal(settings.OIDC_AUDIENCE_CLAIM, 'aud');
      assert.equal(new URL(settings.OIDC_AUDIENCE!).origin, settings.PUBLIC_URL);
    });

    test("task-service's back channel names the provider's Service, its DNS name and port", () => {
      const backchannel = new URL(settings.OIDC_BACKCHANNEL_URL!);
      assert.equal(backchannel.protocol, 'http:', 'inside the cluster');
      const port = Number(backchannel.port || 80);
      const backend = k.serviceBackend(objects, backchannel.hostname, port);
      assert.deepEqual(backend, { workload: PROVIDER, port, containerPort: providerConfig.port });
      // Every call of task-service to the issuer's origin (discovery, token, JWKS) goes there,
      // path kept: the provider answers under the issuer's path there too.
      for (const key of ['token_endpoint', 'jwks_uri']) {
        const called = new URL(
          backchannelUrlFor(String(discovery[key]), settings.OIDC_ISSUER!, backchannel.href),
        );
        assert.equal(called.origin, backchannel.origin, key);
        assert.equal(called.pathname, new URL(String(discovery[key])).pathname, key);
      }
    });

    test("PUBLIC_URL is the cluster's one address: the callback reaches task-service, the sign-in page the UI", () => {
      const publicUrl = new URL(settings.PUBLIC_URL!);
      assert.equal(new URL(settings.OIDC_ISSUER!).origin, publicUrl.origin, 'one address');
      const { redirectUris, postLogoutRedirectUris } = providerConfig.webClient;
      assert.deepEqual(redirectUris, [`${publicUrl.origin}${CALLBACK_PATH}`]);
      assert.deepEqual(postLogoutRedirectUris, [`${publicUrl.origin}${SIGN_IN_PAGE}`]);
      const routes = [CALLBACK_PATH, '/auth/login', SIGN_IN_PAGE].map((p) =>
        k.ingressRoute(objects, p),
      );
      assert.deepEqual(routes, [TO_SERVICE, TO_SERVICE, { service: 'task-web', port: 'http' }]);
      // Plain http is only accepted for localhost; the Ingress answers any host name.
      assert.equal(publicUrl.hostname, 'localhost');
      assert.equal(k.ingress(objects).spec?.rules?.[0]?.host, undefined);
      // minikube: Skaffold forwards that port to the ingress controller and prints
      // http://<address>:<localPort>, the link people open (minikube and kind alike).
      const forward = loadSkaffoldConfig().portForward?.[0];
      assert.equal(String(forward?.localPort), publicUrl.port, "Skaffold's port-forward");
      assert.equal(forward?.address, publicUrl.hostname, 'the address Skaffold prints');
    });
  });
}

for (const variant of AWS_VARIANTS) {
  describe(`${variant}: a real provider, an https host`, () => {
    const objects = k.render(variant);
    const settings = k.appConfig(objects);

    test('no development identity provider: no workload, Service, route or setting of it', () => {
      // No object of it: render.test.ts lists every object of the aws variants.
      const discovery = k.ingressRoute(objects, '/idp/.well-known/openid-configuration');
      assert.equal(discovery?.service, 'task-web');
      const keys = Object.keys(settings).filter((key) => /^IDP_|BACKCHANNEL/.test(key));
      assert.deepEqual(keys, []);
      assert.doesNotMatch(JSON.stringify(objects), /identity-provider:|localhost/);
    });

    test('the app is served on its own host, https only, the host PUBLIC_URL names', () => {
      const publicUrl = new URL(settings.PUBLIC_URL!);
      assert.equal(publicUrl.protocol, 'https:', 'the session cookie is Secure');
      assert.equal(publicUrl.origin, settings.PUBLIC_URL, 'an origin: no port, path or slash');
      const { spec, metadata } = k.ingress(objects);
      const hosts = spec?.rules?.map((rule) => rule.host);
      assert.deepEqual(hosts, [publicUrl.hostname]);
      // The ALB's certificate is found in ACM by this host: none is kept in the cluster.
      assert.deepEqual(spec?.tls, [{ hosts: [publicUrl.hostname] }]);
      const annotations = metadata.annotations ?? {};
      const alb = (name: string) => annotations[`${ALB}${name}`];
      const listeners = JSON.parse(alb('listen-ports') ?? '[]') as Record<string, number>[];
      assert.deepEqual(listeners, [{ HTTP: 80 }, { HTTPS: 443 }]);
      assert.equal(alb('ssl-redirect'), '443', 'plain http only redirects');
      assert.match(alb('ssl-policy') ?? '', /^ELBSecurityPolicy-TLS13-1-2-/, 'TLS 1.2 or 1.3');
      assert.equal(alb('scheme'), 'internet-facing');
      // No setting of another controller is left to mislead a reader.
      const others = Object.keys(annotations).filter((key) => !key.startsWith(ALB));
      assert.deepEqual(others, []);
      assert.deepEqual(k.ingressRoute(objects, CALLBACK_PATH), TO_SERVICE);
    });

    test("the load balancer checks each Pod where its readiness probe does, on the probe's port", () => {
      const targetType = k.ingress(objects).metadata.annotations?.[`${ALB}target-type`];
      assert.equal(targetType, 'ip', 'it sends to the Pods themselves, health checks too');
      const backends = new Set(k.ingressPaths(objects).map((p) => p.backend.service!.name));
      assert.deepEqual([...backends].sort(), ['task-service', 'task-web']);
      for (const name of backends) {
        const service = k.find<IService>(objects, 'Service', name);
        const container = k.mainContainer(objects, name);
        const { httpGet } = container.readinessProbe ?? {};
        const path = service.metadata.annotations?.[`${ALB}healthcheck-path`];
        assert.equal(path, httpGet?.path, name);
        // The ALB checks on the port it sends traffic to: the one the probe asks.
        const { containerPort } = k.serviceBackend(objects, name, 'http');
        const probePort = k.containerPort(container, String(httpGet?.port));
        assert.equal(probePort, containerPort, name);
      }
    });

    test('signs in with Amazon Cognito, as documented: its issuer form, client_id audience, cognito:groups', () => {
      const issuer = COGNITO_ISSUER.exec(settings.OIDC_ISSUER ?? '');
      assert.ok(issuer, `${settings.OIDC_ISSUER} is a Cognito user pool's issuer`);
      assert.equal(issuer[1], issuer[2], "the user pool's id starts with its region");
      assert.equal(settings.OIDC_AUDIENCE_CLAIM, 'client_id');
      assert.equal(settings.OIDC_AUDIENCE, settings.OIDC_CLIENT_ID, "the app client's id");
      assert.equal(settings.OIDC_GROUPS_CLAIM, 'cognito:groups');
      // Cognito refuses scopes its app clients do not allow, and it has no `groups` scope.
      assert.deepEqual(settings.OIDC_SCOPES?.split(' ').sort(), ['email', 'openid', 'profile']);
    });
  });
}

describe('nothing trusts an identity header, and no secret is kept in a manifest', () => {
  const everyVariant = [...LOCAL_VARIANTS, ...AWS_VARIANTS];
  const configFiles = configurationFiles();

  test('no X-Forwarded-User (or any auth header annotation) in the manifests, images or proxies', () => {
    for (const variant of everyVariant) {
      const text = JSON.stringify(k.render(variant));
      assert.doesNotMatch(text, /x-forwarded-user|remote-user/i, variant);
      assert.doesNotMatch(text, /ingress\.kubernetes\.io\/(auth-|configuration-snippet)/, variant);
    }
    // Nor does the container smoke test send it: it signs in through the provider's container.
    for (const file of [...configFiles, ...globSync('docker/smoke/*.ts', { cwd: k.repoRoot })]) {
      assert.doesNotMatch(k.readText(file), /x-forwarded-user/i, file);
    }
  });

  test('no secret value in any rendered manifest or the files they and the images are made from', () => {
    for (const variant of everyVariant) {
      assert.deepEqual(secretLooking(JSON.stringify(k.render(variant))), [], variant);
    }
    assert.ok(configFiles.length > 20, configFiles.join(', '));
    for (const file of configFiles) assert.deepEqual(secretLooking(k.readText(file)), [], file);
  });

  test('the detector finds what a leaked secret would look like, and only that', () => {
    // What k8s/create-dev-secret.sh makes: 32 random bytes in base64url (a fixed example here).
    const key = createHash('sha256').update('an example session key').digest('base64url');
    assert.deepEqual(secretLooking(`SESSION_KEYS=${key}`), [key]);
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${'MHcCAQEEI'.repeat(8)}\n-----END EC PRIVATE KEY-----`;
    assert.equal(secretLooking(pem).length, 1, 'a private key');
    assert.equal(secretLooking(`{"kty":"EC","d":"${'x1'.repeat(21)}"}`).length, 1, 'a private JWK');
    // A program that merely parses keys names the header, with no key after it.
    assert.deepEqual(secretLooking('if (pem.startsWith("-----BEGIN PRIVATE KEY-----")) {'), []);
    const harmless = `task-manager-config-849dghgk8h sha256:${'ab12'.repeat(16)} tolerateFailuresUntilDeadline`;
    assert.deepEqual(secretLooking(harmless), []);
    // A versioned name (an ALB TLS policy's) is shaped like a token but is not; a key still is.
    const policy = 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06';
    assert.deepEqual(secretLooking(`ssl-policy: ${policy}`), []);
    assert.deepEqual(secretLooking(`ssl-policy: ${policy} key: ELBSecurityPolicy-${key}`), [
      `ELBSecurityPolicy-${key}`,
    ]);
  });
});

/** The files that configure the images, the clusters and the proxies (not their tests). */
function configurationFiles(): string[] {
  const files = globSync(['skaffold.yaml', 'k8s/**/*', 'localstack/**/*', 'docker/**/*'], {
    cwd: k.repoRoot,
  });
  return files
    .filter((file) => !file.startsWith('k8s/test/') && !file.startsWith('docker/smoke/'))
    .filter((file) => /\.(ya?ml|env|sh|conf|json|Dockerfile)$/.test(file))
    .sort();
}
