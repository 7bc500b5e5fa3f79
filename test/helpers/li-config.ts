// A tenant config with every kind of legal basis on the banner's side: the demo's consent purposes,
// a contract purpose and one on legitimate interest with its interest text.
import { demoConfig } from '../../server/services/config/demo.js';
import type { TenantConfig } from '../../shared/schemas/config.js';

const ORIGIN = 'https://shop.example';

export function liConfig(): TenantConfig {
  const config = demoConfig(ORIGIN);
  config.purposes.push(
    {
      key: 'orders',
      legalBasis: 'contract',
      text: { nl: { name: 'Bestellingen' }, en: { name: 'Orders' } },
    },
    {
      key: 'fraud',
      legalBasis: 'legitimate_interest',
      text: {
        nl: {
          name: 'Fraudepreventie',
          description: 'Verdachte bestellingen herkennen.',
          interest: 'Ons en jou beschermen tegen fraude.',
        },
        en: {
          name: 'Fraud prevention',
          description: 'Spotting suspicious orders.',
          interest: 'Protecting you and us from fraud.',
        },
      },
    },
  );
  return config;
}
