/*
 * Secret patterns, kept as data. Most are adapted from the gitleaks default rule set
 * (https://github.com/gitleaks/gitleaks, config/gitleaks.toml at b58d3f1, MIT licence,
 * Copyright (c) 2019 Zachary Rice); `source` names the gitleaks rule id each one follows.
 * Adapted for JavaScript and for this service: no `\b` (a token glued to `_` or letters is
 * still found), `(?i)` turned into the `i` flag, and every quantifier bounded so that no
 * pattern can backtrack catastrophically (test/security/redaction-rules.test.ts checks both).
 * Rules whose `source` is `hezlep` are this project's own.
 */

/** What kind of secret a redaction replaced: the `<kind>` in `[REDACTED:<kind>]`, and the metrics label. */
export type SecretKind =
  | 'private_key'
  | 'aws_access_key'
  | 'aws_secret_key'
  | 'github_token'
  | 'gitlab_token'
  | 'slack_token'
  | 'stripe_key'
  | 'google_api_key'
  | 'google_oauth'
  | 'openai_key'
  | 'anthropic_key'
  | 'jwt'
  | 'url_credentials'
  | 'bearer_token'
  | 'api_token'
  | 'assignment';

export interface SecretRule {
  /** The gitleaks rule id this follows, or `hezlep`. */
  source: string;
  kind: SecretKind;
  /** JavaScript regular expression source; compiled with `g` (and `i` when `caseless`). */
  pattern: string;
  caseless?: boolean;
  /** The capture group holding the secret (0 or absent: the whole match). */
  group?: number;
  /** Lower-case substrings one of which the text must contain for the rule to run at all. */
  keywords: string[];
  /**
   * `random`: the secret must mix letters and digits (no plain words), always;
   * `glued`: only when the match is glued to a letter or digit on its left.
   */
  check?: 'random' | 'glued';
}

const r = String.raw;

export const SECRET_RULES: readonly SecretRule[] = [
  {
    source: 'aws-access-token',
    kind: 'aws_access_key',
    pattern: r`(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}`,
    keywords: ['a3t', 'akia', 'asia', 'abia', 'acca'],
  },
  {
    source: 'github-pat, github-oauth, github-app-token, github-refresh-token',
    kind: 'github_token',
    pattern: r`gh[pousr]_[A-Za-z0-9]{36,255}`,
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
  },
  {
    source: 'github-fine-grained-pat',
    kind: 'github_token',
    pattern: r`github_pat_[A-Za-z0-9_]{22,255}`,
    keywords: ['github_pat_'],
  },
  { source: 'gitlab-pat', kind: 'gitlab_token', pattern: r`glpat-[\w-]{20,100}`, keywords: ['glpat-'] },
  {
    source: 'gitlab-runner-authentication-token, gitlab-ptt, gitlab-deploy-token',
    kind: 'gitlab_token',
    pattern: r`(?:glrt-|glptt-|gldt-)[\w-]{20,100}`,
    keywords: ['glrt-', 'glptt-', 'gldt-'],
  },
  {
    source: 'slack-bot-token, slack-user-token, slack-legacy-token',
    kind: 'slack_token',
    pattern: r`xox[abposre]-[A-Za-z0-9-]{10,250}`,
    keywords: ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe-'],
  },
  {
    source: 'slack-config-access-token',
    kind: 'slack_token',
    pattern: r`xoxe\.xox[bp]-\d-[A-Z0-9]{100,200}`,
    caseless: true,
    keywords: ['xoxe.'],
  },
  {
    source: 'slack-app-token',
    kind: 'slack_token',
    pattern: r`xapp-\d-[A-Z0-9]{1,40}-\d{1,20}-[a-z0-9]{1,100}`,
    caseless: true,
    keywords: ['xapp-'],
  },
  {
    source: 'slack-webhook-url',
    kind: 'slack_token',
    pattern: r`hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{20,120}`,
    keywords: ['hooks.slack.com'],
  },
  {
    source: 'stripe-access-token',
    kind: 'stripe_key',
    pattern: r`(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,99}`,
    keywords: ['sk_test_', 'sk_live_', 'sk_prod_', 'rk_test_', 'rk_live_', 'rk_prod_'],
    check: 'glued',
  },
  { source: 'hezlep', kind: 'stripe_key', pattern: r`whsec_[A-Za-z0-9]{20,100}`, keywords: ['whsec_'] },
  { source: 'gcp-api-key', kind: 'google_api_key', pattern: r`AIza[\w-]{35}`, keywords: ['aiza'] },
  { source: 'hezlep', kind: 'google_oauth', pattern: r`GOCSPX-[A-Za-z0-9_-]{24,40}`, keywords: ['gocspx-'] },
  { source: 'hezlep', kind: 'google_oauth', pattern: r`ya29\.[A-Za-z0-9_-]{20,2000}`, keywords: ['ya29.'] },
  {
    source: 'anthropic-api-key, anthropic-admin-api-key',
    kind: 'anthropic_key',
    pattern: r`sk-ant-[A-Za-z0-9_-]{20,200}`,
    keywords: ['sk-ant-'],
  },
  {
    source: 'openai-api-key',
    kind: 'openai_key',
    pattern: r`sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}`,
    keywords: ['sk-'],
    check: 'glued',
  },
  {
    source: 'jwt',
    kind: 'jwt',
    pattern: r`eyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{0,2000}`,
    keywords: ['eyj'],
  },
  { source: 'npm-access-token', kind: 'api_token', pattern: r`npm_[A-Za-z0-9]{36}`, keywords: ['npm_'] },
  {
    source: 'pypi-upload-token',
    kind: 'api_token',
    pattern: r`pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}`,
    keywords: ['pypi-ageichlwas5vcmc'],
  },
  {
    source: 'huggingface-access-token',
    kind: 'api_token',
    pattern: r`hf_[A-Za-z]{34}`,
    keywords: ['hf_'],
    check: 'glued',
  },
  {
    source: 'sendgrid-api-token',
    kind: 'api_token',
    pattern: r`SG\.[A-Za-z0-9=_.-]{66}`,
    keywords: ['sg.'],
  },
  {
    source: 'twilio-api-key',
    kind: 'api_token',
    pattern: r`SK[0-9a-fA-F]{32}`,
    keywords: ['sk'],
    check: 'glued',
  },
  {
    source: 'digitalocean-pat, digitalocean-access-token, digitalocean-refresh-token',
    kind: 'api_token',
    pattern: r`do[opr]_v1_[a-f0-9]{64}`,
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
  },
  {
    source: 'shopify-access-token, shopify-shared-secret, shopify-custom-access-token',
    kind: 'api_token',
    pattern: r`shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}`,
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
  },
  {
    source: 'age-secret-key',
    kind: 'private_key',
    pattern: r`AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`,
    keywords: ['age-secret-key-1'],
  },
  { source: 'doppler-api-token', kind: 'api_token', pattern: r`dp\.pt\.[A-Za-z0-9]{43}`, keywords: ['dp.pt.'] },
  {
    source: 'databricks-api-token',
    kind: 'api_token',
    pattern: r`dapi[a-f0-9]{32}(?:-\d)?`,
    keywords: ['dapi'],
    check: 'glued',
  },
  {
    source: 'hashicorp-tf-api-token',
    kind: 'api_token',
    pattern: r`[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}`,
    keywords: ['atlasv1'],
  },
  { source: 'linear-api-key', kind: 'api_token', pattern: r`lin_api_[A-Za-z0-9]{40}`, keywords: ['lin_api_'] },
  {
    source: 'postman-api-token',
    kind: 'api_token',
    pattern: r`PMAK-[a-f0-9]{24}-[a-f0-9]{34}`,
    caseless: true,
    keywords: ['pmak-'],
  },
  { source: 'pulumi-api-token', kind: 'api_token', pattern: r`pul-[a-f0-9]{40}`, keywords: ['pul-'] },
  { source: 'sentry-user-token', kind: 'api_token', pattern: r`sntryu_[a-f0-9]{64}`, keywords: ['sntryu_'] },
  {
    source: 'sentry-org-token',
    kind: 'api_token',
    pattern: r`sntrys_eyJ[A-Za-z0-9+/=_]{50,600}`,
    keywords: ['sntrys_'],
  },
  {
    source: 'grafana-service-account-token',
    kind: 'api_token',
    pattern: r`glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}`,
    keywords: ['glsa_'],
  },
  {
    source: 'grafana-cloud-api-token',
    kind: 'api_token',
    pattern: r`glc_[A-Za-z0-9+/]{32,400}={0,2}`,
    keywords: ['glc_'],
  },
  { source: 'heroku-api-key-v2', kind: 'api_token', pattern: r`HRKU-AA[0-9a-zA-Z_-]{58}`, keywords: ['hrku-aa'] },
  {
    source: 'notion-api-token',
    kind: 'api_token',
    pattern: r`ntn_[0-9]{11}[A-Za-z0-9]{35}`,
    keywords: ['ntn_'],
  },
  { source: 'vault-service-token', kind: 'api_token', pattern: r`hvs\.[\w-]{90,120}`, keywords: ['hvs.'] },
  {
    source: '1password-service-account-token',
    kind: 'api_token',
    pattern: r`ops_eyJ[a-zA-Z0-9+/]{250,4000}={0,3}`,
    keywords: ['ops_eyj'],
  },
  {
    source: 'planetscale-api-token, planetscale-oauth-token, planetscale-password',
    kind: 'api_token',
    pattern: r`pscale_(?:tkn|oauth|pw)_[\w=.-]{32,64}`,
    caseless: true,
    keywords: ['pscale_'],
  },
  {
    source: 'square-access-token',
    kind: 'api_token',
    pattern: r`(?:EAAA|sq0atp-)[\w-]{22,60}`,
    keywords: ['eaaa', 'sq0atp-'],
    check: 'random',
  },
  {
    source: 'new-relic-user-api-key',
    kind: 'api_token',
    pattern: r`NRAK-[A-Z0-9]{27}`,
    caseless: true,
    keywords: ['nrak-'],
  },
  {
    // A URL's password, with or without a user (`redis://:pw@host`).
    source: 'hezlep',
    kind: 'url_credentials',
    pattern: r`[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s:/?#@'"<>]{0,256}:([^\s:/?#@'"<>]{1,256})@`,
    group: 1,
    keywords: ['://'],
  },
  {
    // `Authorization: Bearer …`, `token …`, `Basic …`: the credential after the scheme, whatever the spacing.
    source: 'hezlep',
    kind: 'bearer_token',
    pattern: r`(?:bearer|token|basic)[ \t]{1,10}([A-Za-z0-9._~+/-]{12,4000}={0,2})`,
    caseless: true,
    group: 1,
    keywords: ['bearer', 'token', 'basic'],
    check: 'random',
  },
  {
    // The base64 body of a DER private key (PKCS#1/#8 start with MII…) or an OpenSSH key, met without its header.
    source: 'hezlep',
    kind: 'private_key',
    pattern: r`(?:MII[A-Za-z0-9+/]{56,4000}|b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/]{20,4000})={0,2}`,
    keywords: ['mii', 'b3blbnnzac1rzxktdje'],
  },
];
