import { AsyncPipe, CurrencyPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { map } from 'rxjs';
import { AstroService } from './astro.service';

/**
 * A tip ticker. The `async` pipe subscribes when the component renders and
 * unsubscribes when it is destroyed: the topic's subscription on the gateway
 * follows the component's life. OnPush works in zone-less apps too: the pipe
 * marks the view for check on every value.
 */
@Component({
  selector: 'app-tips',
  imports: [AsyncPipe, CurrencyPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="status">{{ status$ | async }}</p>
    <p class="latest">{{ latestFollower$ | async }}</p>
    <ul>
      @for (tip of tips$ | async; track tip.id) {
        <li>
          {{ tip.data.donation.amount | currency: tip.data.donation.currency }}
          from {{ tip.data.donation.user?.username ?? 'someone' }}
          @if (tip.data.donation.message) { — {{ tip.data.donation.message }} }
        </li>
      } @empty {
        <li>No tips yet.</li>
      }
    </ul>
  `,
})
export class TipsComponent {
  private readonly astro = inject(AstroService);

  protected readonly status$ = this.astro.status$;
  protected readonly tips$ = this.astro.recentTips$;
  protected readonly latestFollower$ = this.astro.activities$.pipe(
    map((a) => (a.data.type === 'follow' ? `Welcome, ${a.data.data?.displayName ?? a.data.data?.username ?? 'new follower'}!` : '')),
  );
}
