/**
 * The stack secrets the tests hand to the program (parent process only). Each carries text the
 * secret scan looks for in every input that did not reach the engine wrapped as a secret.
 */
import { HOST_KEY_MARKER } from "./fixtures";
import { newOpenSshEd25519 } from "./keys";

export const LOGIN_KEY = newOpenSshEd25519("vpc-ipip6-gateway test login key");

export const TEST_SECRETS = {
  rtxPassword: "sekret-rtx-login-7Qx",
  rtxAdminPassword: "sekret-rtx-admin-9Zk",
  gatewaySshPrivateKey: LOGIN_KEY.privateKey,
};

export const SECRET_MARKERS = [
  TEST_SECRETS.rtxPassword,
  TEST_SECRETS.rtxAdminPassword,
  ...LOGIN_KEY.privateLines,
  HOST_KEY_MARKER,
];
