package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"

	"golang.org/x/sync/errgroup"
)

// Random streams: each part of the output draws from its own PCG stream of
// the seed, so files written concurrently stay deterministic.
const (
	streamDistrict uint64 = iota + 1
	streamCalendar
	streamRoster
	streamStudents
	streamAttendance
	streamHomeTeaching
	streamRegistry
	streamSurvey
	streamReports
)

// Generate writes schools.csv, teachers.csv, villages.csv, calendar.csv,
// students.csv, attendance.csv, reports.csv, contacts.csv, home-teaching.csv,
// registry.csv, platform.csv and survey.csv into dir (created if missing,
// existing files replaced), in the formats of `baoxue import`, and returns
// the row count of each. The same Options give byte-identical files.
//
// It fails with ErrOptions for invalid options, with the context's error
// when ctx ends, or with the first write error; on failure the directory may
// hold partial files.
func Generate(ctx context.Context, dir string, opt Options) (Summary, error) {
	res, err := opt.resolve()
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("create output directory: %w", err)
	}
	stream := func(k uint64) *rand.Rand { return rand.New(rand.NewPCG(res.seed, k)) }
	nm := newNamer()
	d := buildDistrict(stream(streamDistrict), res.students, nm)
	cal := buildCalendar(stream(streamCalendar), res.start, res.end, len(d.schools))
	rep := buildReporting(stream(streamReports), d, cal)
	p, err := buildPopulation(ctx, stream(streamRoster), d, res, nm)
	if err != nil {
		return Summary{}, err
	}

	var sum Summary
	for _, write := range []func() (FileCount, error){
		func() (FileCount, error) { return writeSchools(dir, d) },
		func() (FileCount, error) { return writeTeachers(dir, d) },
		func() (FileCount, error) { return writeVillages(dir, d) },
		func() (FileCount, error) { return writeCalendar(dir, d, cal) },
	} {
		fc, err := write()
		if err != nil {
			return Summary{}, err
		}
		sum.Files = append(sum.Files, fc)
	}

	// The large files are independent: write them concurrently; the first
	// to fail stops the others.
	var (
		students, att, con, ht     FileCount
		registry, platform, survey FileCount
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		students, err = writeStudents(gctx, dir, p, stream(streamStudents))
		return err
	})
	g.Go(func() (err error) {
		att, con, err = writeAttendance(gctx, dir, p, cal, rep, stream(streamAttendance))
		return err
	})
	g.Go(func() (err error) {
		ht, err = writeHomeTeaching(gctx, dir, p, cal, stream(streamHomeTeaching))
		return err
	})
	g.Go(func() (err error) {
		registry, err = writeRegistry(gctx, dir, p, stream(streamRegistry))
		return err
	})
	g.Go(func() (err error) {
		platform, err = writePlatform(gctx, dir, p)
		return err
	})
	g.Go(func() (err error) {
		survey, err = writeSurvey(gctx, dir, p, stream(streamSurvey))
		return err
	})
	if err := g.Wait(); err != nil {
		return Summary{}, err
	}
	reports, err := writeReports(ctx, dir, d, rep)
	if err != nil {
		return Summary{}, err
	}
	sum.Files = append(sum.Files, students, att, reports, con, ht, registry, platform, survey)
	return sum, nil
}
