___TERMS_OF_SERVICE___

By creating or modifying this file you agree to Google Tag Manager's Community
Template Gallery Developer Terms of Service available at
https://developers.google.com/tag-manager/gallery-tos (or such other URL as
Google may provide), as modified from time to time.


___INFO___

{
  "type": "TAG",
  "id": "cvt_temp_public_id",
  "version": 1,
  "securityGroups": [],
  "displayName": "Akkoord consent (Consent Mode v2)",
  "categories": [
    "UTILITY",
    "ANALYTICS",
    "ADVERTISING"
  ],
  "brand": {
    "id": "brand_akkoord",
    "displayName": "Akkoord"
  },
  "description": "Sets Google Consent Mode defaults per region and applies the visitor's choice made in the Akkoord banner, at once for a returning visitor and after every new choice. Fire it on the Consent Initialization - All Pages trigger.",
  "containerContexts": [
    "WEB"
  ]
}


___TEMPLATE_PARAMETERS___

[
  {
    "type": "TEXT",
    "name": "cookieName",
    "displayName": "Akkoord cookie name",
    "simpleValueType": true,
    "help": "akkoord_ followed by the first 8 hex digits of SHA-256 of your tenant id, e.g. akkoord_3f0c9a12 (docs/cookie-format.md). A returning visitor's choice is read from it before any tag fires.",
    "valueValidators": [
      {
        "type": "NON_EMPTY"
      },
      {
        "type": "REGEX",
        "args": [
          "^akkoord_[0-9a-f]{8}$"
        ]
      }
    ]
  },
  {
    "type": "SIMPLE_TABLE",
    "name": "purposes",
    "displayName": "Purposes and their Consent Mode types",
    "help": "The same mapping as each purpose's googleConsentMode in the Akkoord configuration: the purpose key, and its types separated by commas (ad_storage, ad_user_data, ad_personalization, analytics_storage, functionality_storage, personalization_storage). A type no granted purpose lists stays denied.",
    "simpleTableColumns": [
      {
        "defaultValue": "",
        "displayName": "Purpose key",
        "name": "purpose",
        "type": "TEXT",
        "valueValidators": [
          {
            "type": "REGEX",
            "args": [
              "^[a-z][a-z0-9_]{0,39}$"
            ]
          }
        ]
      },
      {
        "defaultValue": "",
        "displayName": "Consent Mode types",
        "name": "types",
        "type": "TEXT"
      }
    ],
    "newRowButtonText": "Add purpose",
    "valueValidators": [
      {
        "type": "TABLE_ROW_COUNT",
        "args": [
          1
        ],
        "errorMessage": "Map at least one purpose."
      }
    ]
  },
  {
    "type": "SELECT",
    "name": "elsewhere",
    "displayName": "Default outside the EEA, the UK and Switzerland",
    "simpleValueType": true,
    "selectItems": [
      {
        "value": "denied",
        "displayValue": "denied (as consentMode.elsewhere: denied)"
      },
      {
        "value": "granted",
        "displayValue": "granted for the mapped types (as consentMode.elsewhere: granted)"
      }
    ],
    "defaultValue": "denied",
    "help": "As consentMode.elsewhere in the Akkoord configuration. The EEA, the United Kingdom and Switzerland always start denied."
  },
  {
    "type": "TEXT",
    "name": "deniedRegions",
    "displayName": "More regions that start denied",
    "simpleValueType": true,
    "help": "As consentMode.deniedRegions: ISO 3166 codes separated by commas, e.g. US-CA. Not EU or UK, which Google ignores.",
    "valueValidators": [
      {
        "type": "REGEX",
        "args": [
          "^\\s*([A-Z]{2}(-[A-Z0-9]{1,3})?\\s*(,\\s*[A-Z]{2}(-[A-Z0-9]{1,3})?\\s*)*)?$"
        ]
      }
    ],
    "enablingConditions": [
      {
        "paramName": "elsewhere",
        "paramValue": "granted",
        "type": "EQUALS"
      }
    ]
  },
  {
    "type": "TEXT",
    "name": "waitForUpdate",
    "displayName": "Wait for the banner (milliseconds)",
    "simpleValueType": true,
    "defaultValue": "500",
    "help": "wait_for_update: how long tags wait for the banner's answer before they use the default.",
    "valueValidators": [
      {
        "type": "NON_NEGATIVE_NUMBER"
      }
    ]
  }
]


___SANDBOXED_JS_FOR_WEB_TEMPLATE___

// Akkoord for Google Tag Manager: Consent Mode v2 inside the sandbox. The defaults per region
// come first (the EEA, the UK and Switzerland always denied), then the choice a returning
// visitor made earlier (from Akkoord's cookie), then every new choice (the banner's
// akkoord:change event, after which window.akkoord.get() holds the choice). Only
// setDefaultConsentState and updateConsentState talk to Google, never the page's gtag function.
const setDefaultConsentState = require('setDefaultConsentState');
const updateConsentState = require('updateConsentState');
const getCookieValues = require('getCookieValues');
const callInWindow = require('callInWindow');
const fromBase64 = require('fromBase64');
const JSON = require('JSON');
const makeInteger = require('makeInteger');

const TYPES = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage'];
const CONSENT_REQUIRED = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO', 'GB', 'CH'];

const split = (text) => (text || '').split(',').map((part) => part.trim()).filter((part) => part.length > 0);

// The Consent Mode state for a choice ({ purposeKey: true/1 }): a type is granted when a granted purpose lists it.
const stateFor = (choice) => {
  const state = {};
  TYPES.forEach((type) => { state[type] = 'denied'; });
  (data.purposes || []).forEach((row) => {
    const given = choice ? choice[row.purpose] : undefined;
    if (given !== true && given !== 1) return;
    split(row.types).forEach((type) => { if (TYPES.indexOf(type) >= 0) state[type] = 'granted'; });
  });
  state.security_storage = 'granted';
  return state;
};

const everything = () => {
  const all = {};
  (data.purposes || []).forEach((row) => { all[row.purpose] = true; });
  return all;
};

const wait = makeInteger(data.waitForUpdate || 500);
const denied = stateFor(null);
denied.wait_for_update = wait;
if (data.elsewhere === 'granted') {
  // Google applies the most specific default: these regions start denied, the rest granted.
  const regions = CONSENT_REQUIRED.concat(split(data.deniedRegions));
  denied.region = regions.filter((region, i) => regions.indexOf(region) === i);
  setDefaultConsentState(denied);
  const granted = stateFor(everything());
  granted.wait_for_update = wait;
  setDefaultConsentState(granted);
} else {
  setDefaultConsentState(denied);
}

// Cookie format 1: "1." + base64url of { d: { purposeKey: 1 | 0 }, ... }.
const readCookie = () => {
  const value = getCookieValues(data.cookieName)[0];
  if (!value || value.indexOf('1.') !== 0) return undefined;
  let base64 = value.slice(2).split('-').join('+').split('_').join('/');
  while (base64.length % 4 !== 0) base64 = base64 + '=';
  const text = fromBase64(base64);
  const choice = text ? JSON.parse(text) : undefined;
  return choice && choice.d ? choice.d : undefined;
};

const stored = readCookie();
if (stored) updateConsentState(stateFor(stored));

callInWindow('addEventListener', 'akkoord:change', () => {
  const choice = callInWindow('akkoord.get');
  if (choice) updateConsentState(stateFor(choice));
});

data.gtmOnSuccess();


___WEB_PERMISSIONS___

[
  {
    "instance": {
      "key": {
        "publicId": "access_consent",
        "versionId": "1"
      },
      "param": [
        {
          "key": "consentTypes",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "ad_storage"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "ad_user_data"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "ad_personalization"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "analytics_storage"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "functionality_storage"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "personalization_storage"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "consentType"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "security_storage"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "get_cookies",
        "versionId": "1"
      },
      "param": [
        {
          "key": "cookieAccess",
          "value": {
            "type": 1,
            "string": "any"
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  },
  {
    "instance": {
      "key": {
        "publicId": "access_globals",
        "versionId": "1"
      },
      "param": [
        {
          "key": "keys",
          "value": {
            "type": 2,
            "listItem": [
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "key"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  },
                  {
                    "type": 1,
                    "string": "execute"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "addEventListener"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              },
              {
                "type": 3,
                "mapKey": [
                  {
                    "type": 1,
                    "string": "key"
                  },
                  {
                    "type": 1,
                    "string": "read"
                  },
                  {
                    "type": 1,
                    "string": "write"
                  },
                  {
                    "type": 1,
                    "string": "execute"
                  }
                ],
                "mapValue": [
                  {
                    "type": 1,
                    "string": "akkoord.get"
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": false
                  },
                  {
                    "type": 8,
                    "boolean": true
                  }
                ]
              }
            ]
          }
        }
      ]
    },
    "clientAnnotations": {
      "isEditedByUser": true
    },
    "isRequired": true
  }
]


___TESTS___

scenarios: []


___NOTES___

The Akkoord banner itself (widget.js) is embedded on the page as usual; this template replaces the inline
Consent Mode stub in a Tag Manager setup. See docs/consent-mode.md in the Akkoord repository.
