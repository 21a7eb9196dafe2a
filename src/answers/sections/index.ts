import { certManagerAnswers } from './cert-manager.js';
import { indexingAnswers } from './indexing.js';
import { dbProxyAnswers } from './db-proxy.js';
import { ingressAnswers } from './ingress.js';
import { notificationsAnswers } from './notifications.js';
import { nvidiaDevicePluginAnswers } from './nvidia-device-plugin.js';

/**
 * The components' answer sections, in the order of the answers file, the README reference and the
 * questions. Each component carries its own (ComponentSpec.answers); a test keeps the two in step.
 */
export const ANSWER_SECTIONS = [certManagerAnswers, ingressAnswers, dbProxyAnswers, nvidiaDevicePluginAnswers, notificationsAnswers, indexingAnswers] as const;

/**
 * The same sections as a cluster's overrides, in the order stored answers and the README have
 * always listed them under a cluster (and an added cluster's questions follow).
 */
export const CLUSTER_OVERRIDE_SECTIONS = [dbProxyAnswers, certManagerAnswers, notificationsAnswers, nvidiaDevicePluginAnswers, ingressAnswers] as const;
