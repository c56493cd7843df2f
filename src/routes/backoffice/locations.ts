// Locations tab: the vendor's locations, created here and mapped to a business location picked
// from the connected Lightspeed business (never imported automatically).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BusinessSummary } from '../../services/connections/kseries-calls.js';
import { AppError } from '../../lib/errors.js';
import { csrfField, html, type SafeHtml } from './html.js';
import { renderTab, sessionOf, withFlashOnError, type BackofficeContext } from './page.js';
import { csrfToken } from './session.js';

type BusinessLocation = BusinessSummary['locations'][number];

function locationSelect(id: string, options: BusinessLocation[], selected: bigint | null): SafeHtml {
  const current = selected === null ? '' : selected.toString();
  return html`<select id="${id}" name="businessLocationId">
<option value=""${current === '' ? html` selected` : ''}>Not mapped</option>
${options.map((o) => html`<option value="${o.id}"${String(o.id) === current ? html` selected` : ''}>${o.name} (${o.id})</option>`)}
</select>`;
}

export function locationRoutes(ctx: BackofficeContext): FastifyPluginAsyncZod {
  return async (app) => {
    const { connections } = app.services.lightspeed;
    const locations = app.services.locations;

    /** The connected business's locations, or a sentence saying why there are none. */
    async function businessLocations(
      vendorId: string,
    ): Promise<{ options: BusinessLocation[]; problem: string | null }> {
      const status = await connections.status(vendorId);
      if (status.status !== 'CONNECTED')
        return { options: [], problem: 'Connect with Lightspeed (Settings) to pick business locations.' };
      try {
        const businesses = await connections.businesses(vendorId);
        const business = businesses.find((b) => b.id === status.businessId) ?? businesses[0];
        return { options: business?.locations ?? [], problem: business ? null : 'Lightspeed returned no business.' };
      } catch (err) {
        return {
          options: [],
          problem: `Could not load the business locations from Lightspeed: ${err instanceof Error ? err.message : 'error'}`,
        };
      }
    }

    /** '' means "not mapped"; anything else must be a location of the connected business. */
    async function pickedLocation(vendorId: string, value: string): Promise<bigint | null> {
      if (value === '') return null;
      const { options } = await businessLocations(vendorId);
      if (!options.some((o) => String(o.id) === value)) {
        throw new AppError(
          400,
          'UNKNOWN_BUSINESS_LOCATION',
          'Pick a business location of the connected Lightspeed business.',
        );
      }
      return BigInt(value);
    }

    app.get('/locations', {
      schema: { hide: true, response: { 200: z.string() } },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        const csrf = csrfToken(app.config.SESSION_SECRET, session.id);
        const { items } = await locations.list(session.vendorId, { limit: 200, offset: 0 });
        const { options, problem } = await businessLocations(session.vendorId);
        const nameOf = (id: bigint | null) =>
          id === null ? null : (options.find((o) => String(o.id) === id.toString())?.name ?? null);
        const body = html`<section><h2>Your locations</h2>
${problem ? html`<p class="muted">${problem}</p>` : ''}
${
  items.length === 0
    ? html`<p>No locations yet. Create one below.</p>`
    : html`<table><thead><tr><th>Name</th><th>Lightspeed business location</th><th>Change mapping</th></tr></thead><tbody>
${items.map(
  (l) => html`<tr data-testid="location-row"><td>${l.name}</td>
<td data-testid="location-mapping">${l.businessLocationId === null ? 'Not mapped' : html`${nameOf(l.businessLocationId) ?? 'Business location'} (${l.businessLocationId.toString()})`}</td>
<td><form method="post" action="/backoffice/locations/${l.id}/map" class="row">${csrfField(csrf)}
<label class="muted" for="map-${l.id}" style="margin:0">Map ${l.name} to</label>${locationSelect(`map-${l.id}`, options, l.businessLocationId)}
<button class="secondary" type="submit">Save mapping</button></form></td></tr>`,
)}
</tbody></table>`
}
</section>
<section><h2>Create a location</h2>
<form method="post" action="/backoffice/locations">${csrfField(csrf)}
<label for="location-name">Name</label><input id="location-name" name="name" required maxlength="200">
<label for="location-bl">Lightspeed business location</label>${locationSelect('location-bl', options, null)}
<p><button type="submit">Create location</button></p>
</form></section>`;
        return renderTab(app, ctx, reply, session, 'locations', 'Locations', body);
      },
    });

    app.post('/locations', {
      schema: {
        hide: true,
        body: z.object({
          _csrf: z.string().optional(),
          name: z.string().max(200).default(''),
          businessLocationId: z.string().max(20).default(''),
        }),
        response: { 303: z.null() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        return withFlashOnError(ctx, reply, session, '/backoffice/locations', async () => {
          const name = request.body.name.trim();
          if (!name) return { kind: 'error', text: 'Give the location a name.' };
          const businessLocationId = await pickedLocation(session.vendorId, request.body.businessLocationId);
          await locations.create(session.vendorId, { name, businessLocationId });
          return {
            kind: 'ok',
            text: `Location "${name}" created${businessLocationId ? ` and mapped to ${businessLocationId}` : ''}.`,
          };
        });
      },
    });

    app.post('/locations/:locationId/map', {
      schema: {
        hide: true,
        params: z.object({ locationId: z.uuid() }),
        body: z.object({ _csrf: z.string().optional(), businessLocationId: z.string().max(20).default('') }),
        response: { 303: z.null() },
      },
      handler: async (request, reply) => {
        const session = sessionOf(request);
        return withFlashOnError(ctx, reply, session, '/backoffice/locations', async () => {
          const businessLocationId = await pickedLocation(session.vendorId, request.body.businessLocationId);
          const location = await locations.update(session.vendorId, request.params.locationId, { businessLocationId });
          return {
            kind: 'ok',
            text:
              businessLocationId === null
                ? `"${location.name}" is no longer mapped.`
                : `"${location.name}" is now mapped to ${businessLocationId}.`,
          };
        });
      },
    });
  };
}
