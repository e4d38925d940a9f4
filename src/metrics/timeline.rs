//! Topics over time: each topic's article count per period (day, week or month, chosen to fit
//! the span of the dates), with the undated articles counted apart.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// Most periods a timeline is cut into before it moves to the next longer period.
pub const MAX_PERIODS: i64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    /// ISO weeks, Monday to Sunday.
    Week,
    Month,
}

/// Each topic's articles per period, every period from the first date to the last (empty ones
/// too, so that the periods are evenly spaced).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timeline {
    pub period: Period,
    /// Each period's name: `2018-02-18`, `2018-W07` or `2018-02`.
    pub periods: Vec<String>,
    /// The first day of each period.
    pub starts: Vec<NaiveDate>,
    /// `counts[topic][period]`.
    pub counts: Vec<Vec<u64>>,
    /// Articles with a date.
    pub dated: u64,
    /// Articles without one (none given, or unreadable), per topic.
    pub undated: Vec<u64>,
    /// Dated articles before the first period and after the last, per topic: the few stray
    /// dates (at most [`STRAY`] of them at each end) that would stretch the periods over years
    /// with nothing in them.
    pub earlier: Vec<u64>,
    pub later: Vec<u64>,
}

/// The share of dated articles at each end left out of the periods (counted in
/// [`Timeline::earlier`] and [`Timeline::later`]) when there are at least [`TRIM_FROM`].
pub const STRAY: f64 = 0.005;
/// Fewer dated articles than this are all drawn.
pub const TRIM_FROM: usize = 200;

/// The timeline of `k` topics from each article's day (`None`: undated) and topic; `None` when
/// no article has a date.
pub fn timeline(days: &[Option<NaiveDate>], topics: &[usize], k: usize) -> Option<Timeline> {
    let mut sorted: Vec<NaiveDate> = days.iter().flatten().copied().collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_unstable();
    let n = sorted.len();
    let cut = if n >= TRIM_FROM {
        (n as f64 * STRAY).floor() as usize
    } else {
        0
    };
    let (first, last) = (&sorted[cut], &sorted[n - 1 - cut]);
    let span = (*last - *first).num_days() + 1;
    let period = if span <= MAX_PERIODS {
        Period::Day
    } else if span <= 7 * MAX_PERIODS {
        Period::Week
    } else {
        Period::Month
    };
    let start_of = |d: NaiveDate| match period {
        Period::Day => d,
        Period::Week => d - Duration::days(d.weekday().num_days_from_monday().into()),
        Period::Month => d.with_day(1).expect("day 1 exists"),
    };
    let next = |d: NaiveDate| match period {
        Period::Day => d + Duration::days(1),
        Period::Week => d + Duration::days(7),
        Period::Month => d
            .checked_add_months(chrono::Months::new(1))
            .expect("dates far from the end of time"),
    };
    let mut starts = vec![start_of(*first)];
    while let Some(&s) = starts.last()
        && next(s) <= *last
    {
        starts.push(next(s));
    }
    let name = |d: NaiveDate| match period {
        Period::Day => d.format("%Y-%m-%d").to_string(),
        Period::Week => {
            let w = d.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
        Period::Month => d.format("%Y-%m").to_string(),
    };
    let mut counts = vec![vec![0u64; starts.len()]; k];
    let (mut undated, mut earlier, mut later) = (vec![0u64; k], vec![0u64; k], vec![0u64; k]);
    let mut dated = 0;
    for (day, &t) in days.iter().zip(topics) {
        match day {
            Some(d) if d < first => earlier[t] += 1,
            Some(d) if d > last => later[t] += 1,
            Some(d) => {
                // the last period starting on or before the day
                let p = starts.partition_point(|s| s <= d) - 1;
                counts[t][p] += 1;
            }
            None => undated[t] += 1,
        }
        dated += u64::from(day.is_some());
    }
    Some(Timeline {
        period,
        periods: starts.iter().map(|&d| name(d)).collect(),
        starts,
        counts,
        dated,
        undated,
        earlier,
        later,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_period_fits_the_span_and_every_article_is_counted_once() {
        // ten days: by day, the empty days kept
        let t = timeline(&[day(2018, 2, 18), day(2018, 2, 27), None], &[0, 1, 1], 2).unwrap();
        assert_eq!(t.period, Period::Day);
        assert_eq!(t.periods.len(), 10);
        assert_eq!(t.periods[0], "2018-02-18");
        assert_eq!(t.counts[0][0], 1);
        assert_eq!(t.counts[1][9], 1);
        assert_eq!((t.dated, t.undated.clone()), (2, vec![0, 1]));

        // eight months (ANT: February to October 2018): by ISO week, Monday first
        let t = timeline(
            &[day(2018, 2, 18), day(2018, 2, 19), day(2018, 10, 1)],
            &[0, 0, 0],
            1,
        )
        .unwrap();
        assert_eq!(t.period, Period::Week);
        assert_eq!(&t.periods[..2], ["2018-W07", "2018-W08"]);
        assert_eq!(t.starts[0], day(2018, 2, 12).unwrap());
        assert_eq!(t.counts[0][0..2], [1, 1]);
        assert_eq!(t.counts[0].iter().sum::<u64>(), 3);

        // three years: by month
        let t = timeline(&[day(2019, 12, 31), day(2022, 1, 1)], &[0, 0], 1).unwrap();
        assert_eq!(t.period, Period::Month);
        assert_eq!(t.periods.first().unwrap(), "2019-12");
        assert_eq!(t.periods.last().unwrap(), "2022-01");
        assert_eq!(t.periods.len(), 26);

        assert!(timeline(&[None, None], &[0, 1], 2).is_none());

        // 1,000 articles over two months and three stray ones years before: the strays are
        // counted apart, and the periods are the two months' days and weeks
        let mut days: Vec<Option<NaiveDate>> = (0..1000)
            .map(|i| day(2018, 3, 1).map(|d| d + Duration::days(i % 60)))
            .collect();
        days.extend([day(2012, 10, 1), day(2013, 7, 4), day(2014, 1, 1)]);
        let topics = vec![0; days.len()];
        let t = timeline(&days, &topics, 1).unwrap();
        assert_eq!(t.period, Period::Day);
        assert_eq!(t.periods[0], "2018-03-01");
        assert_eq!((t.earlier[0], t.later[0], t.dated), (3, 0, 1003));
        assert_eq!(t.counts[0].iter().sum::<u64>(), 1000);
    }
}
