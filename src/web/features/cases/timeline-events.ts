import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useListFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import type { CaseEvent } from './cases-api.ts';
import { useFieldLabel } from './FieldValues.tsx';
import {
  isConsentPurpose,
  isPurpose,
  isStage,
  RISK_LEVELS,
  SERVICE_STATUSES,
  useHtcdsLabel,
  useServiceTypeLabel,
} from './vocabulary.ts';

const isRiskLevel = (value: unknown): value is (typeof RISK_LEVELS)[number] =>
  (RISK_LEVELS as readonly unknown[]).includes(value);
const isServiceStatus = (value: unknown): value is (typeof SERVICE_STATUSES)[number] =>
  (SERVICE_STATUSES as readonly unknown[]).includes(value);

export type TimelineEvent = CaseEvent;

export interface EventDescription {
  text: string;
  /** Words a person wrote (a reason, a comment), shown as they wrote them. */
  quote?: string;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);

/** One sentence per kind of event, in the chosen language; an event the app does not know yet names its type. */
export function useEventDescription(agencyName: (id: string) => string): (event: TimelineEvent) => EventDescription {
  const { t } = useTranslation();
  const serviceType = useServiceTypeLabel();
  const htcds = useHtcdsLabel();
  const field = useFieldLabel();
  const list = useListFormat();
  return useCallback(
    (event: TimelineEvent) => {
      const data = event.data;
      const stage = (value: unknown) => (isStage(value) ? t(`stages.${value}`) : String(value));
      const consentPurpose = (value: unknown) =>
        isConsentPurpose(value) ? t(`consentPurposes.${value}`) : String(value);
      // Words sealed under the survivor's key (a reason, a comment) read as erased once her identity is.
      const erased = t('atRest.erased');
      const reason = str(data.reason) ?? (data.reasonErased ? erased : undefined);
      switch (event.type) {
        case 'created':
          return { text: t('timeline.created') };
        case 'comment':
          return {
            text: t('timeline.comment'),
            quote: str(data.cco_CaseComment) ?? (data.erased ? erased : undefined),
          };
        case 'movement_added':
          return { text: t('timeline.movement', { type: htcds('hte_Type', str(data.hte_Type) ?? '') }) };
        case 'perpetrator_added':
          return { text: t('timeline.perpetrator') };
        case 'stage_changed':
          if (data.to === 'closed' && data.requestedBy) return { text: t('timeline.closureApproved'), quote: reason };
          return { text: t('timeline.stageChanged', { from: stage(data.from), to: stage(data.to) }), quote: reason };
        case 'closure_requested':
          return { text: t('timeline.closureRequested'), quote: reason };
        case 'assigned':
          return { text: t('timeline.assigned') };
        case 'closure_rejected':
          return { text: t('timeline.closureRejected'), quote: reason };
        case 'trafficking_status': {
          const status = str(data.vic_TraffickingStatus);
          const by = str(data.vic_TraffickingStatusDecisionMakingOrg);
          if (!status) return { text: t('timeline.statusCleared') };
          const label = htcds('vic_TraffickingStatus', status);
          return by
            ? {
                text: t('timeline.statusDecided', {
                  status: label,
                  organisation: htcds('vic_TraffickingStatusDecisionMakingOrg', by),
                }),
              }
            : { text: t('timeline.status', { status: label }) };
        }
        case 'updated':
          return { text: t('timeline.updated', { fields: list(names(data.fields).map(field)) }) };
        case 'identity_viewed':
          return {
            text: t('timeline.identityViewed', {
              purpose: isPurpose(data.purpose) ? t(`purposes.${data.purpose}`) : String(data.purpose),
            }),
          };
        case 'identity_updated':
          return { text: t('timeline.identityUpdated', { fields: list(names(data.fields).map(field)) }) };
        case 'identity_erased':
          return { text: t('timeline.identityErased'), quote: reason };
        case 'consent_recorded':
          return {
            text: t(data.decision === 'refused' ? 'timeline.consentRefused' : 'timeline.consentGranted', {
              purpose: consentPurpose(data.purpose),
            }),
          };
        case 'consent_overridden':
          return { text: t('timeline.consentOverridden', { purpose: consentPurpose(data.purpose) }) };
        case 'consent_withdrawn':
          return { text: t('timeline.consentWithdrawn', { purpose: consentPurpose(data.purpose) }) };
        case 'risk_assessed':
          return {
            text: t('timeline.riskAssessed', {
              level: isRiskLevel(data.level) ? t(`risk.levels.${data.level}`) : String(data.level),
              count: typeof data.score === 'number' ? data.score : 0,
            }),
          };
        case 'service_planned':
          return { text: t('timeline.servicePlanned', { service: serviceType(String(data.type)) }) };
        case 'service_updated':
          return {
            text: t('timeline.serviceUpdated', {
              service: serviceType(String(data.type)),
              fields: list(names(data.fields).map(field)),
            }),
          };
        case 'service_status_changed':
          return {
            text: t('timeline.serviceStatus', {
              service: serviceType(String(data.type)),
              status: isServiceStatus(data.to) ? t(`services.statuses.${data.to}`) : String(data.to),
            }),
          };
        case 'referral_offered':
          return { text: t('timeline.referralOffered', { agency: agencyName(String(data.toAgencyId)) }) };
        case 'referral_accepted':
          return { text: t('timeline.referralAccepted', { agency: agencyName(String(data.toAgencyId)) }) };
        case 'referral_declined':
          return {
            text: t('timeline.referralDeclined', { agency: agencyName(String(data.toAgencyId)) }),
            quote: reason,
          };
        case 'referral_revoked':
          return {
            text: t('timeline.referralRevoked', { agency: agencyName(String(data.toAgencyId)) }),
            quote: reason,
          };
        default: {
          // Cross-border referral events: offered, accepted, declined, revoked, transferred, update, withdrawn, erased.
          const crossBorder = /^referral_cross_border_(\w+)$/.exec(event.type)?.[1];
          if (crossBorder) {
            const node = String(data.to ?? data.from ?? data.node ?? '');
            return { text: t('timeline.crossBorder', { status: crossBorder, node: isolate(node) }), quote: reason };
          }
          return { text: t('timeline.other', { type: event.type }), quote: reason };
        }
      }
    },
    [t, htcds, field, list, serviceType, agencyName],
  );
}
