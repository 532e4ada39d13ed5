using System.Globalization;
using System.Net;
using DataHub.Tests.Infrastructure;

namespace DataHub.Tests.Collections;

public sealed class ItemsTests(SeededHubFixture hub) : IClassFixture<SeededHubFixture>
{
    private readonly HttpClient client = hub.CreateClient();
    private const string Parcels = "/api/v1/collections/parcels/items";

    [Fact]
    public async Task items_are_a_geojson_feature_collection_of_10_by_default_with_counts_and_typed_links()
    {
        var response = await client.GetAsync(Parcels);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var page = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("FeatureCollection", page.GetProperty("type").GetString());
        Assert.Equal(10, page.GetProperty("numberReturned").GetInt32());
        Assert.Equal(SeededHubFixture.Parcels, page.GetProperty("numberMatched").GetInt64());
        Assert.True(DateTimeOffset.TryParse(page.GetProperty("timeStamp").GetString(), CultureInfo.InvariantCulture, out _));
        Assert.Contains("offset=10", Ogc.Link(page, "next"));
        Assert.EndsWith("/collections/parcels", Ogc.Link(page, "collection"));
        Assert.Contains("f=html", Ogc.Link(page, "alternate"));
        var feature = Ogc.Features(page)[0];
        Assert.Equal(System.Text.Json.JsonValueKind.Number, feature.GetProperty("id").ValueKind); // integer ids for integer keys
        Assert.Equal("MultiPolygon", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.All(Ogc.Positions(feature.GetProperty("geometry")), p => Assert.InRange(p.X, 106, 108)); // CRS84: longitude first
    }

    [Fact]
    public async Task paging_through_the_whole_collection_returns_every_feature_once()
    {
        var seen = new List<long>();
        string? next = Parcels + "?limit=97";
        long? matched = null;
        while (next is not null)
        {
            var page = await Ogc.GetJsonAsync(client, next);
            matched ??= page.GetProperty("numberMatched").GetInt64();
            seen.AddRange(Ogc.Ids(page));
            next = Ogc.Link(page, "next");
        }
        Assert.Equal(matched, seen.Count);
        Assert.Equal(SeededHubFixture.Parcels, seen.Distinct().Count());
    }

    [Fact]
    public async Task later_pages_leave_out_number_matched_and_paging_by_full_pages_still_ends()
    {
        var seen = new List<long>();
        string? next = Parcels + "?limit=100"; // 600 parcels: six full pages, then an empty one
        var pages = 0;
        while (next is not null && pages < 20)
        {
            var page = await Ogc.GetJsonAsync(client, next);
            Assert.Equal(pages == 0, page.TryGetProperty("numberMatched", out _));
            seen.AddRange(Ogc.Ids(page));
            next = Ogc.Link(page, "next");
            pages++;
        }
        Assert.Equal(7, pages);
        Assert.Equal(SeededHubFixture.Parcels, seen.Distinct().Count());
    }

    [Fact]
    public async Task a_limit_above_the_maximum_is_clamped_not_refused()
    {
        var page = await Ogc.GetJsonAsync(client, Parcels + "?limit=50000");
        Assert.Equal(SeededHubFixture.Parcels, page.GetProperty("numberReturned").GetInt64());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("bbox=1,2,3", "bbox")]
    [InlineData("bbox=106,11,x,12", "bbox")]
    [InlineData("bbox=106,12,107,11", "bbox")]
    [InlineData("datetime=yesterday", "datetime")]
    [InlineData("datetime=2024-01-01T00:00:00", "datetime")]
    [InlineData("datetime=2025-01-01/2024-01-01", "datetime")]
    [InlineData("datetime=9999-12-31", "datetime")] // a 500 once: the day's end overflowed DateTime
    [InlineData("datetime=1800-01-01T00:00:00Z/..", "datetime")]
    [InlineData("crs=EPSG:3857", "crs")]
    [InlineData("bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857", "bbox-crs")]
    [InlineData("sortby=owner_name", "sortby")]
    [InlineData("map_sheet=abc", "map_sheet")]
    [InlineData("colour=red", "colour")]
    [InlineData("f=xml", "f")]
    [InlineData("filter-lang=cql2-json", "filter-lang")]
    public async Task an_invalid_parameter_is_a_400_problem_naming_it(string query, string parameter)
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}?{query}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out var messages), problem.ToString());
        Assert.NotEmpty(messages[0].GetString()!);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("9999-12-31")]
    public async Task a_bad_datetime_instant_is_reported_once(string instant)
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}?datetime={instant}"), HttpStatusCode.BadRequest);
        Assert.Single(problem.GetProperty("errors").GetProperty("datetime").EnumerateArray());
    }

    [Fact]
    public async Task bbox_returns_exactly_the_parcels_intersecting_it()
    {
        // A box over part of the first commune's first parcels, in CRS84.
        var box = await hub.ScalarAsync<double[]>("""
            select array[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
            from (select ST_Transform(ST_MakeEnvelope(545050, 1255010, 545150, 1255030, 9212), 4326) b) x
            """);
        var (minX, minY, maxX, maxY) = (box[0], box[1], box[2], box[3]);
        var expected = await hub.ScalarAsync<long>("""
            select count(*) from land.parcels
            where ST_Intersects(geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope($1, $2, $3, $4, 4326), 0.001), 9212))
            """, minX, minY, maxX, maxY);
        Assert.True(expected > 0);
        var page = await Ogc.GetJsonAsync(client, FormattableString.Invariant($"{Parcels}?bbox={minX},{minY},{maxX},{maxY}&limit=1000"));
        Assert.Equal(expected, page.GetProperty("numberMatched").GetInt64());
        Assert.Equal(expected, page.GetProperty("numberReturned").GetInt64());
    }

    [Fact]
    public async Task bbox_in_vn2000_selects_the_same_parcels_as_the_same_box_in_crs84()
    {
        var box = await hub.ScalarAsync<double[]>("""
            select array[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
            from (select ST_Transform(ST_MakeEnvelope(545000, 1255000, 545100, 1255020, 9212), 4326) b) x
            """);
        var projected = await Ogc.GetJsonAsync(client, $"{Parcels}?bbox=545000,1255000,545100,1255020&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/9212&limit=1000");
        var metres = Ogc.Ids(projected).ToHashSet();
        Assert.NotEmpty(metres);
        var wgs84 = await Ogc.GetJsonAsync(client, FormattableString.Invariant($"{Parcels}?bbox={box[0]},{box[1]},{box[2]},{box[3]}&limit=1000"));
        // The WGS 84 box encloses the projected one, so it finds all of its parcels (and perhaps a few more at the edges).
        Assert.Subset(Ogc.Ids(wgs84).ToHashSet(), metres);
    }

    [Fact]
    public async Task bbox_given_latitude_first_in_epsg_4326_finds_the_same_parcels()
    {
        var crs84 = await Ogc.GetJsonAsync(client, $"{Parcels}?bbox=106.6640,11.3480,106.6660,11.3490&limit=1000");
        var epsg4326 = await Ogc.GetJsonAsync(client, $"{Parcels}?bbox=11.3480,106.6640,11.3490,106.6660&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326&limit=1000");
        Assert.NotEmpty(Ogc.Ids(crs84));
        Assert.Equal(Ogc.Ids(crs84), Ogc.Ids(epsg4326));
    }

    [Fact]
    public async Task datetime_selects_parcels_registered_in_the_interval()
    {
        var expected = await hub.ScalarAsync<long>("select count(*) from land.parcels where registered_on between date '2010-01-01' and date '2014-12-31'");
        var page = await Ogc.GetJsonAsync(client, $"{Parcels}?datetime=2010-01-01/2014-12-31&limit=1000");
        Assert.Equal(expected, page.GetProperty("numberMatched").GetInt64());
        Assert.All(Ogc.Features(page), f => Assert.InRange(f.GetProperty("properties").GetProperty("registered_on").GetString()!, "2010-01-01", "2014-12-31"));

        var openStart = await Ogc.GetJsonAsync(client, $"{Parcels}?datetime=../1999-12-31");
        Assert.Equal(await hub.ScalarAsync<long>("select count(*) from land.parcels where registered_on <= date '1999-12-31'"), openStart.GetProperty("numberMatched").GetInt64());
    }

    [Fact]
    public async Task crs_vn2000_returns_metres_and_says_so_in_content_crs()
    {
        var response = await client.GetAsync($"{Parcels}?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/9212");
        Assert.Equal("<http://www.opengis.net/def/crs/EPSG/0/9212>", response.Headers.GetValues("Content-Crs").Single());
        var page = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var (x, y) = Ogc.Positions(Ogc.Features(page)[0].GetProperty("geometry")).First();
        Assert.InRange(x, 540_000, 600_000);
        Assert.InRange(y, 1_250_000, 1_310_000);
    }

    [Fact]
    public async Task crs_epsg_4326_puts_latitude_first()
    {
        var lonLat = Ogc.Positions(Ogc.Features(await Ogc.GetJsonAsync(client, $"{Parcels}?limit=1"))[0].GetProperty("geometry")).First();
        var latLon = Ogc.Positions(Ogc.Features(await Ogc.GetJsonAsync(client, $"{Parcels}?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/4326"))[0].GetProperty("geometry")).First();
        Assert.Equal(lonLat.X, latLon.Y, 7);
        Assert.Equal(lonLat.Y, latLon.X, 7);
    }

    [Fact]
    public async Task sortby_orders_by_a_property_descending()
    {
        var page = await Ogc.GetJsonAsync(client, $"{Parcels}?sortby=-area_m2&limit=50");
        var areas = Ogc.Features(page).Select(f => f.GetProperty("properties").GetProperty("area_m2").GetDecimal()).ToList();
        Assert.Equal(areas.OrderDescending(), areas);
        Assert.Equal(await hub.ScalarAsync<decimal>("select max(area_m2) from land.parcels"), areas[0]);
    }

    [Fact]
    public async Task property_parameters_select_equal_values()
    {
        var page = await Ogc.GetJsonAsync(client, $"{Parcels}?commune_code=25100&map_sheet=1&limit=1000");
        var expected = await hub.ScalarAsync<long>("select count(*) from land.parcels where commune_code = '25100' and map_sheet = 1");
        Assert.Equal(expected, page.GetProperty("numberMatched").GetInt64());
        Assert.All(Ogc.Features(page), f => Assert.Equal("25100", f.GetProperty("properties").GetProperty("commune_code").GetString()));
    }

    [Fact]
    public async Task one_feature_by_id_has_its_links_and_an_unknown_id_is_a_404_problem()
    {
        var feature = await Ogc.GetJsonAsync(client, $"{Parcels}/5");
        Assert.Equal(5, feature.GetProperty("id").GetInt64());
        Assert.EndsWith("/collections/parcels", Ogc.Link(feature, "collection"));
        await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}/999999"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}/abc"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}/5?limit=3"), HttpStatusCode.BadRequest);
    }

    /// <summary>It was answered as GeoJSON, which a client that asked for CSV would not expect.</summary>
    [Fact]
    public async Task one_feature_as_csv_is_a_400_pointing_to_the_items_list()
    {
        var problem = await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}/5?f=csv"), HttpStatusCode.BadRequest);
        Assert.Equal("One feature is given as json or html; csv is offered for the items list (items?f=csv, with a filter or the key).",
            problem.GetProperty("errors").GetProperty("f")[0].GetString());
        var unknown = await Problems.AssertProblemAsync(await client.GetAsync($"{Parcels}/5?f=pdf"), HttpStatusCode.BadRequest);
        Assert.Equal("Unknown format 'pdf'. Formats: json, html.", unknown.GetProperty("errors").GetProperty("f")[0].GetString());
    }

    [Fact]
    public async Task an_unchanged_page_answers_304_to_its_etag_until_the_data_changes()
    {
        // The version behind the ETag also changes whenever the transactions running on the server
        // change (catalog.dataset_version), and the suite's other classes run theirs beside this
        // one: a pair of requests that met such a change is taken again, at most twenty times.
        System.Net.Http.Headers.EntityTagHeaderValue? etag = null;
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 20 && answers.LastOrDefault() != HttpStatusCode.NotModified; attempt++)
        {
            etag = (await client.GetAsync($"{Parcels}?limit=3&map_sheet=2")).Headers.ETag;
            Assert.NotNull(etag);
            using var again = new HttpRequestMessage(HttpMethod.Get, $"{Parcels}?limit=3&map_sheet=2");
            again.Headers.IfNoneMatch.Add(etag);
            answers.Add((await client.SendAsync(again)).StatusCode);
        }
        Assert.All(answers, answer => Assert.True(answer is HttpStatusCode.OK or HttpStatusCode.NotModified, $"answered {answer}"));
        Assert.Equal(HttpStatusCode.NotModified, answers[^1]);

        await hub.ExecuteAsWriterAsync("update land.parcels set legal_area_m2 = legal_area_m2 + 1 where id = 600");
        using var afterChange = new HttpRequestMessage(HttpMethod.Get, $"{Parcels}?limit=3&map_sheet=2");
        afterChange.Headers.IfNoneMatch.Add(etag!);
        var changed = await client.SendAsync(afterChange);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task pages_are_compressed_when_the_client_accepts_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Parcels}?limit=200");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        var response = await client.SendAsync(request);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
    }

    [Fact]
    public async Task csv_has_a_header_of_property_names_and_one_row_per_feature()
    {
        var response = await client.GetAsync($"{Parcels}?f=csv&limit=25");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd().Split('\n');
        Assert.StartsWith("id,commune_code,map_sheet,parcel_no,area_m2", lines[0]);
        Assert.EndsWith("wkt", lines[0].TrimEnd('\r'));
        Assert.Equal(26, lines.Length);
        Assert.Contains("MULTIPOLYGON", lines[1]);
    }

    [Fact]
    public async Task a_collection_without_geometry_has_null_geometries_and_refuses_bbox()
    {
        var page = await Ogc.GetJsonAsync(client, "/api/v1/collections/land-statistics/items?limit=5");
        Assert.All(Ogc.Features(page), f => Assert.Equal(System.Text.Json.JsonValueKind.Null, f.GetProperty("geometry").ValueKind));
        Assert.Equal(await hub.ScalarAsync<long>("select count(*) from land.statistics"), page.GetProperty("numberMatched").GetInt64());
        await Problems.AssertProblemAsync(await client.GetAsync("/api/v1/collections/land-statistics/items?bbox=106,11,107,12"), HttpStatusCode.BadRequest);
    }
}
