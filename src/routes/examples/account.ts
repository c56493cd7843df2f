// Response examples of the vendor, API key, location, Lightspeed connection and callback routes.

/** The key the admin request example issues for the vendor's kiosk. */
const kioskKey = {
  id: '0b91c340-91e9-483a-a967-22426d7445e6',
  name: 'kiosk 2, front door',
  prefix: 'lsk_cbc3ed3fd476',
  createdAt: '2026-12-08T01:39:51.974Z',
  lastUsedAt: null,
  revokedAt: null,
};
/** The key the vendor request example issues for its online-ordering backend. */
const backendKey = {
  id: '75d1d8ed-4e17-42cf-a8d0-4f141e46f72b',
  name: 'online ordering backend',
  prefix: 'lsk_2a3813fd3497',
  createdAt: '2026-12-08T01:39:52.009Z',
  lastUsedAt: null,
  revokedAt: null,
};
/** A vendor's keys: the first one (made with the vendor), and the two the request examples issue. */
const apiKeyList = {
  items: [
    {
      id: 'e3dc28b6-718e-44d8-b67b-cb042ead5845',
      name: 'first key',
      prefix: 'lsk_b8321a9a3f01',
      createdAt: '2026-12-08T01:39:50.710Z',
      lastUsedAt: '2026-12-08T01:39:50.739Z',
      revokedAt: null,
    },
    kioskKey,
    backendKey,
  ],
};

/** The vendor of the examples, connected, with its callback URL set. */
const vendor = {
  id: '6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b',
  name: 'Harbour & Hudson',
  providerIntegrated: 'lightspeed',
  callbackUrl: 'https://api.harbour-hudson.example/hooks/lightspeed-orders',
  connectionStatus: 'CONNECTED',
  createdAt: '2026-12-08T01:39:50.710Z',
};
/** Its location, mapped to the sandbox's Amsterdam business location. */
const location = {
  id: '3f2b8c4e-1d2a-4c6b-9e8f-0a1b2c3d4e5f',
  name: 'Amsterdam Centraal (station hall)',
  businessLocationId: 45454565682156,
  defaultOrderProfile: 'TAKEAWAY',
  readiness: null,
  createdAt: '2026-12-08T01:39:51.517Z',
  updatedAt: '2026-12-08T01:39:52.174Z',
};
/** The kiosk's key, revoked after its last use. */
const revokedKey = {
  ...kioskKey,
  lastUsedAt: '2026-12-08T10:41:07.302Z',
  revokedAt: '2026-12-08T11:45:12.880Z',
};
/** The connection to the sandbox's business, with every scope. */
const connected = {
  status: 'CONNECTED',
  reconnectRequired: false,
  environment: 'sandbox',
  businessId: 45454565682155,
  businessName: 'Harbour & Hudson Kitchen',
  scopes: ['financial-api', 'items', 'orders-api'],
  accessTokenExpiresAt: '2026-12-08T02:39:49.955Z',
  webhookRegistered: true,
  connectedAt: '2026-12-08T01:39:51.118Z',
  lastCheckedAt: '2026-12-08T01:39:51.417Z',
  lastError: null,
};

export const accountExamples = {
  'POST /admin/vendors': {
    '201': {
      id: '9cccacd4-1254-4994-a629-544f5e6d20ef',
      name: 'Harbour & Hudson',
      apiKey: 'lsk_6e00452bb725_98248EMqMWFsK5gw58A4rOkHmLB5Ekz8',
      apiKeyPrefix: 'lsk_6e00452bb725',
    },
  },
  'POST /admin/vendors/{vendorId}/api-keys': {
    '201': {
      ...kioskKey,
      apiKey: 'lsk_cbc3ed3fd476_d9IL_zsY10KQoF345vgCv5jotuSzaO-m',
    },
  },
  'POST /v1/api-keys': {
    '201': {
      ...backendKey,
      apiKey: 'lsk_2a3813fd3497_e1pRJMGzExqtndaWYizVU1toodN22A5J',
    },
  },
  'PUT /v1/lightspeed/return-to-allow-list': {
    '200': { urls: ['https://admin.harbour-hudson.example/integrations/lightspeed'] },
  },
  'PATCH /v1/locations/{locationId}': { 200: location },
  'PUT /v1/callback': {
    '200': {
      url: 'https://api.harbour-hudson.example/hooks/lightspeed-orders',
      secret: 'whsec_0WRs1OBjfdXO_GvjYb5Uq0ipIxr3Zroh',
    },
  },
  'GET /admin/vendors': {
    '200': {
      items: [
        vendor,
        {
          id: '9cccacd4-1254-4994-a629-544f5e6d20ef',
          name: 'Bakkerij Vondel',
          providerIntegrated: null,
          callbackUrl: null,
          connectionStatus: 'NOT_CONNECTED',
          createdAt: '2026-12-08T01:39:51.915Z',
        },
      ],
    },
  },
  'GET /admin/vendors/{vendorId}': { 200: vendor },
  'GET /admin/vendors/{vendorId}/api-keys': { 200: apiKeyList },
  'GET /v1/api-keys': { 200: apiKeyList },
  'GET /v1/locations': {
    '200': {
      items: [location],
      total: 1,
    },
  },
  'GET /v1/locations/{locationId}': { 200: location },
  'GET /v1/lightspeed/status': { 200: connected },
  'GET /v1/lightspeed/logs': {
    '200': {
      items: [
        {
          id: '9965e6ec-f967-4a85-b2d7-a7c1f75fbf9e',
          level: 'INFO',
          event: 'financial.synced',
          message: 'Synced sales of location "Amsterdam": 0 new, 0 changed; 1 backfill chunk(s) completed.',
          details: null,
          count: 1,
          firstAt: '2026-12-08T01:39:52.537Z',
          lastAt: '2026-12-08T01:39:52.537Z',
        },
        {
          id: '3334d125-0890-469b-8d45-15da688b51c3',
          level: 'INFO',
          event: 'payment.paid',
          message: 'Orders paid on the POS',
          details: null,
          count: 1,
          firstAt: '2026-12-08T01:39:52.526Z',
          lastAt: '2026-12-08T01:39:52.526Z',
        },
        {
          id: 'c15da39b-cd17-484f-b1f1-3aa18813959a',
          level: 'INFO',
          event: 'oauth.connected',
          message:
            'Connected to business "Harbour & Hudson Kitchen" (id 45454565682155). Granted scopes: financial-api, items, orders-api.',
          details: {
            scopes: ['financial-api', 'items', 'orders-api'],
            businessId: 45454565682155,
            environment: 'sandbox',
          },
          count: 1,
          firstAt: '2026-12-08T01:39:51.488Z',
          lastAt: '2026-12-08T01:39:51.488Z',
        },
      ],
    },
  },
  'GET /v1/lightspeed/businesses': {
    '200': {
      items: [
        {
          id: 45454565682155,
          name: 'Harbour & Hudson Kitchen',
          locations: [
            { id: 45454565682156, name: 'Harbour Kitchen Amsterdam' },
            { id: 45454565682157, name: 'Hudson Kitchen New York' },
          ],
        },
      ],
    },
  },
  'GET /v1/lightspeed/return-to-allow-list': {
    '200': { urls: ['https://admin.harbour-hudson.example/integrations/lightspeed'] },
  },
  'GET /v1/callback': { '200': { url: 'https://api.harbour-hudson.example/hooks/lightspeed-orders' } },
  'POST /v1/lightspeed/test': {
    '200': {
      ok: true,
      message: 'Connection works: reached business "Harbour & Hudson Kitchen" (id 45454565682155).',
      checkedAt: '2026-12-08T01:39:53.077Z',
      status: { ...connected, lastCheckedAt: '2026-12-08T01:39:53.077Z' },
    },
  },
  'POST /v1/lightspeed/connect': {
    '200': {
      authorizationUrl:
        'https://integrations.harbour-hudson.example/lightspeed/connect/start?attempt=s5BHx-D6Jn_3v4dyK7bQZoPS',
      expiresAt: '2026-12-08T01:49:53.114Z',
    },
  },
  'POST /v1/locations': {
    '201': {
      id: '3f2b8c4e-1d2a-4c6b-9e8f-0a1b2c3d4e5f',
      name: 'Amsterdam Centraal',
      businessLocationId: 45454565682156,
      defaultOrderProfile: 'TAKEAWAY',
      readiness: null,
      createdAt: '2026-12-08T01:39:51.517Z',
      updatedAt: '2026-12-08T01:39:51.517Z',
    },
  },
  'DELETE /v1/api-keys/{keyId}': { 200: revokedKey },
  'DELETE /admin/vendors/{vendorId}/api-keys/{keyId}': { 200: revokedKey },
  'POST /v1/lightspeed/disconnect': {
    '200': {
      status: {
        ...connected,
        status: 'DISCONNECTED',
        accessTokenExpiresAt: null,
        webhookRegistered: false,
        lastCheckedAt: '2026-12-08T12:03:27.114Z',
      },
      webhookRemoved: true,
    },
  },
};
