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
}

/// The timeline of `k` topics from each article's day (`None`: undated) and topic; `None` when
/// no article has a date.
pub fn timeline(days: &[Option<NaiveDate>], topics: &[usize], k: usize) -> Option<Timeline> {
    let first = days.iter().flatten().min()?;
    let last = days.iter().flatten().max()?;
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
    let mut undated = vec![0u64; k];
    let mut dated = 0;
    for (day, &t) in days.iter().zip(topics) {
        match day {
            Some(d) => {
                // the last period starting on or before the day
                let p = starts.partition_point(|s| s <= d) - 1;
                counts[t][p] += 1;
                dated += 1;
            }
            None => undated[t] += 1,
        }
    }
    Some(Timeline {
        period,
        periods: starts.iter().map(|&d| name(d)).collect(),
        starts,
        counts,
        dated,
        undated,
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
    }
}
